"""Celery tasks of the stations app: thin, they call the services. Scheduled in ``liaison/celery.py``."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="stations.generate_next_month_reception_days", ignore_result=True)
def generate_next_month_reception_days() -> int:
    """On the 1st: next month's 28th for every active station, with deputies on duty from the rota."""
    today = timezone.localdate()
    next_month = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return services.reception_days_generate(month=next_month).created
