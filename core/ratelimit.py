"""One rate limiter for every public form (the QR opinion form and its anonymous API, survey ballots,
reminder sign-ups). Windows are named in ``settings.RATE_LIMITS``; counts live in the cache, keyed by a hash
of the client address (or of a phone/e-mail), so nothing about the client is stored in the database.

The API's general throttles stay DRF's own; an endpoint that shares a page's limit uses ``RateLimitThrottle``
so that a bot cannot switch channels to get more.

The client address is ``REMOTE_ADDR`` unless the request came through trusted proxies
(``settings.TRUSTED_PROXY_COUNT``: how many proxies in front of the portal append to ``X-Forwarded-For``); a
forwarded-for header is otherwise ignored, so a client cannot pick a new address per request.

When the cache cannot count (Redis down), the limiter fails *closed* for the writes it guards: the attempt is
refused with ``unavailable`` set, and the caller says "try again in a minute" (pages stay readable: the page
cache falls through to the database, see ``core.cache``).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .cache import strict

logger = logging.getLogger("liaison.ratelimit")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int | None = None  # seconds, when refused
    unavailable: bool = False  # refused because the limiter could not count (cache down)


UNAVAILABLE_RETRY_SECONDS = 60


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's IP address, or None when the request carries none: ``REMOTE_ADDR``, or with
    ``TRUSTED_PROXY_COUNT = n`` the n-th address from the right of ``X-Forwarded-For`` (the one the outermost
    trusted proxy saw). The sign-in lockout (django-axes) reads it too."""
    meta = getattr(request, "META", None) or {}
    remote = _valid_ip(meta.get("REMOTE_ADDR", "") or "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _valid_ip(forwarded[-proxies]) or remote


def client_address(request) -> str:
    """The client's address as the limiter keys it ("unknown" without one)."""
    return client_ip(request) or "unknown"


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
    try:
        with strict():
            refused = [
                seconds
                for window, (limit, seconds) in settings.RATE_LIMITS[name].items()
                if _count(f"ratelimit:{name}:{window}:{ident}", seconds) > limit
            ]
    except Exception:  # noqa: BLE001 - the cache is down: refuse what we cannot count
        logger.warning("rate limit %s cannot count: refusing", name)
        return Decision(allowed=False, retry_after=UNAVAILABLE_RETRY_SECONDS, unavailable=True)
    return Decision(allowed=not refused, retry_after=max(refused) if refused else None)
