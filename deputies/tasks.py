"""Scheduled work of deputies' work (thin: each task calls one service)."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="deputies.tasks.open_year_end_surveys")
def open_year_end_surveys(year: int | None = None) -> int:
    """Create the year-end satisfaction survey of every active station (beat: 1 December); idempotent."""
    return services.surveys_open_year_end(year=year or timezone.localdate().year)
