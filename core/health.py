"""Liveness and readiness probes for load balancers and orchestration."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return exc.__class__.__name__
    return None


def _check_redis() -> str | None:
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return exc.__class__.__name__
    return None


@never_cache
def readyz(request):
    """The database (and Redis, when configured) answer: 200, else 503 naming what failed."""
    checks = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis()
    failed = {name: err for name, err in checks.items() if err}
    body = {name: err or "ok" for name, err in checks.items()}
    if failed:
        logger.warning("readiness check failed: %s", failed)
    return JsonResponse({"status": "fail" if failed else "ok", "checks": body}, status=503 if failed else 200)
