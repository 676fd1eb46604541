"""Scheduled work of the surveys (thin: each task calls one service)."""

from celery import shared_task
from django.utils import timezone

from . import services


# The name is the one it had in ``deputies`` (the beat schedule in liaison/celery.py and queued messages use it).
@shared_task(name="deputies.tasks.open_year_end_surveys")
def open_year_end_surveys(year: int | None = None) -> int:
    """Create the year-end satisfaction survey of every active station (beat: 1 December); idempotent."""
    return services.surveys_open_year_end(year=year or timezone.localdate().year)
