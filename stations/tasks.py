"""Celery tasks of the stations app: thin, they take ids and call the services.

Beat (liaison/settings/base.py): ``generate_next_month_reception_days`` on the 1st, ``plan_notices`` daily at
08:00 Asia/Shanghai, ``sweep_notices`` every five minutes.
"""

import datetime

from celery import shared_task
from django.utils import timezone

from . import services
from .notices import delivery, planner


@shared_task(name="stations.send_notice", ignore_result=True, soft_time_limit=60, time_limit=90)
def send_notice(notice_id: int) -> str:
    """Deliver one notice row exactly once (stations.notices.delivery)."""
    return delivery.notice_send(notice_id=notice_id)


@shared_task(name="stations.plan_notices", ignore_result=True)
def plan_notices(today: str | None = None) -> dict:
    """Publish the reception days due within three days, record their notices and the reminders, queue them."""
    day = datetime.date.fromisoformat(today) if today else None
    report = planner.run_planner(today=day)
    return {
        "days_published": report.days_published,
        "reception_notices": report.reception_notices,
        "reminders": report.reminders,
        "failed_planners": report.failed_planners,
    }


@shared_task(name="stations.sweep_notices", ignore_result=True)
def sweep_notices() -> dict:
    return vars(delivery.notices_sweep())


@shared_task(name="stations.generate_next_month_reception_days", ignore_result=True)
def generate_next_month_reception_days() -> int:
    """On the 1st: next month's 28th for every active station, with deputies on duty from the rota."""
    today = timezone.localdate()
    next_month = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return services.reception_days_generate(month=next_month).created
