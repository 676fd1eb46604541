"""A cache that never takes a request down with it.

The portal uses its cache for three things: the public page cache (a miss reads the database), rate limits
and short locks. When Redis is unreachable, ``ResilientRedisCache`` turns every error into a miss (reads) or a
dropped write, logs it (at most once a minute per process) and answers at once — so pages are served from the
database and a write that has committed still answers success. Code that must know the cache failed (the rate
limiter, which refuses anonymous writes it cannot count) runs inside ``strict()`` and gets the error.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from contextlib import contextmanager

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("liaison.cache")
_local = threading.local()
_last_logged = {"at": 0.0}
LOG_EVERY_SECONDS = 60

# method → what it answers when the cache is down
_FALLBACK = {
    "get": lambda *a, **k: k.get("default", a[1] if len(a) > 1 else None),
    "get_many": lambda *a, **k: {},
    "has_key": lambda *a, **k: False,
    "add": lambda *a, **k: False,
    "set": lambda *a, **k: None,
    "set_many": lambda *a, **k: list(a[0]) if a else [],
    "touch": lambda *a, **k: False,
    "delete": lambda *a, **k: False,
    "delete_many": lambda *a, **k: None,
    "clear": lambda *a, **k: None,
    "incr": None,  # no sensible answer: raises ValueError like a missing key
    "decr": None,
}


@contextmanager
def strict():
    """Inside this block cache errors are raised, for the caller to decide (``core.ratelimit``)."""
    previous = getattr(_local, "strict", False)
    _local.strict = True
    try:
        yield
    finally:
        _local.strict = previous


def _log(error: Exception) -> None:
    now = time.monotonic()
    if now - _last_logged["at"] >= LOG_EVERY_SECONDS:
        _last_logged["at"] = now
        logger.warning("cache unavailable, serving without it: %s", error.__class__.__name__)


def _resilient(name: str):
    method = getattr(RedisCache, name)
    fallback = _FALLBACK[name]

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as error:
            if getattr(_local, "strict", False):
                raise
            _log(error)
            if fallback is None:
                raise ValueError("cache unavailable") from error
            return fallback(*args, **kwargs)

    return wrapper


class ResilientRedisCache(RedisCache):
    """Django's Redis cache with a short connect timeout whose errors become misses (see the module)."""

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, params)


for _name in _FALLBACK:
    setattr(ResilientRedisCache, _name, _resilient(_name))
