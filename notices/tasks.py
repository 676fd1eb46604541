"""Celery tasks of the outbox: thin, they take ids and call the planner or the delivery protocol.

The beat schedule lives in one place, ``liaison/celery.py``.
"""

import datetime

from celery import shared_task

from . import delivery, planner


@shared_task(name="notices.send_notice", ignore_result=True, soft_time_limit=60, time_limit=90)
def send_notice(notice_id: int) -> str:
    """Deliver one notice row exactly once (notices.delivery)."""
    return delivery.notice_send(notice_id=notice_id)


@shared_task(name="notices.plan_notices", ignore_result=True)
def plan_notices(today: str | None = None) -> dict:
    """Run every registered planner (reception days three days ahead, reminders), record the rows, queue them."""
    day = datetime.date.fromisoformat(today) if today else None
    report = planner.run_planner(today=day)
    return {
        "days_published": report.days_published,
        "reception_notices": report.reception_notices,
        "reminders": report.reminders,
        "failed_planners": report.failed_planners,
    }


@shared_task(name="notices.sweep_notices", ignore_result=True)
def sweep_notices() -> dict:
    return vars(delivery.notices_sweep())
