"""Per-IP limits of anonymous opinion submissions (5 a minute, 30 a day by default), shared by the API and
the QR form page so a bot cannot switch channels to get more."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _OpinionSubmitThrottle(SimpleRateThrottle):
    window = ""

    def get_rate(self):
        return settings.OPINION_SUBMIT_RATES[self.window]

    def get_cache_key(self, request, view):
        return f"throttle:opinion-submit:{self.window}:{self.get_ident(request)}"


class OpinionSubmitMinuteThrottle(_OpinionSubmitThrottle):
    window = "minute"


class OpinionSubmitDayThrottle(_OpinionSubmitThrottle):
    window = "day"


SUBMIT_THROTTLES = (OpinionSubmitMinuteThrottle, OpinionSubmitDayThrottle)


def submission_allowed(request) -> tuple[bool, float | None]:
    """Check (and count) one anonymous submission from ``request``'s IP; return (allowed, retry-after)."""
    for throttle_class in SUBMIT_THROTTLES:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            return False, throttle.wait()
    return True, None
