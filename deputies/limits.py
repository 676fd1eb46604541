"""Rate limit of public survey submissions (the page and the API share it): per client address and survey,
counted in the cache, so a flood of ballots from one place is refused with 429 before any hashing or writing."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def survey_submission_allowed(request, *, survey_id: int) -> bool:
    """Count this attempt; False once any window of ``SURVEY_SUBMIT_RATES`` is exhausted. The address is only
    kept hashed, for the window's length."""
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    allowed = True
    for name, (limit, seconds) in settings.SURVEY_SUBMIT_RATES.items():
        key = f"survey-submit:{name}:{survey_id}:{address}"
        if cache.add(key, 1, timeout=seconds):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=seconds)
                count = 1
        allowed = allowed and count <= limit
    return allowed
