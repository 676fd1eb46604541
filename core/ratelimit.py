"""One rate limiter for every public form (the QR opinion form and its anonymous API, survey ballots,
reminder sign-ups). Windows are named in ``settings.RATE_LIMITS``; counts live in the cache, keyed by a hash
of the client address (or of a phone/e-mail), so nothing about the client is stored in the database.

The API's general throttles stay DRF's own; an endpoint that shares a page's limit uses ``RateLimitThrottle``
so that a bot cannot switch channels to get more.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int | None = None  # seconds, when refused


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _count(key: str, seconds: int) -> int:
    if cache.add(key, 1, timeout=seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return 1


def hit(name: str, *, request=None, key: str = "") -> Decision:
    """Count one attempt against every window of ``RATE_LIMITS[name]`` for the client of ``request`` (and
    ``key``, e.g. a survey id or an address); refused once any window is exhausted."""
    ident = digest(f"{client_address(request) if request is not None else ''}|{key}")
    refused = [
        seconds
        for window, (limit, seconds) in settings.RATE_LIMITS[name].items()
        if _count(f"ratelimit:{name}:{window}:{ident}", seconds) > limit
    ]
    return Decision(allowed=not refused, retry_after=max(refused) if refused else None)
