"""Anonymous opinion submissions share the QR form's limit (``core.ratelimit``, ``RATE_LIMITS["opinion-submit"]``),
so a bot cannot switch between the page and the API to get more."""

from core.api import RateLimitThrottle


class OpinionSubmitThrottle(RateLimitThrottle):
    limit_name = "opinion-submit"


SUBMIT_THROTTLES = (OpinionSubmitThrottle,)
