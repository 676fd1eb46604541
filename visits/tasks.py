"""Celery tasks of the visits app: thin, take ids, idempotent."""

import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task
def anonymise_old_records(older_than_days: int | None = None) -> dict:
    """Erase personal data of closed records older than the retention period (settings.VISITS_RETENTION_DAYS)."""
    from .services import anonymise_old_records as run

    return run(older_than_days=older_than_days or settings.VISITS_RETENTION_DAYS)
