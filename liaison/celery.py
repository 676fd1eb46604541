"""Celery application and the whole beat schedule (Asia/Shanghai). With REDIS_URL unset, settings make every
task run eagerly in-process."""

import os

from celery import Celery
from celery.schedules import crontab

if not os.environ.get("DJANGO_SETTINGS_MODULE"):  # unset or empty
    os.environ["DJANGO_SETTINGS_MODULE"] = "liaison.settings.local"

app = Celery("liaison")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Entry names are the keys of django-celery-beat's PeriodicTask rows: keep them when a task moves.
app.conf.beat_schedule = {
    # The 1st at 01:00: next month's reception day for every active station.
    "stations-generate-next-month-reception-days": {
        "task": "stations.generate_next_month_reception_days",
        "schedule": crontab(day_of_month=1, hour=1, minute=0),
    },
    # Daily at 08:00: reception days three days ahead and every registered reminder become notice rows.
    "stations-plan-notices": {"task": "notices.plan_notices", "schedule": crontab(hour=8, minute=0)},
    # Every five minutes: re-queue rows a lost broker message left pending.
    "stations-sweep-notices": {"task": "notices.sweep_notices", "schedule": 300.0},
    # 1 December 07:00: every active station gets its year-end survey (the window opens 10 December). The task is
    # in surveys/tasks.py and kept the name it had in deputies.
    "deputies-open-year-end-surveys": {
        "task": "deputies.tasks.open_year_end_surveys",
        "schedule": crontab(month_of_year=12, day_of_month=1, hour=7, minute=0),
    },
    # Nightly 03:30: closed records older than VISITS_RETENTION_DAYS lose their personal data.
    "visits-anonymise-old-records": {
        "task": "visits.tasks.anonymise_old_records",
        "schedule": crontab(hour=3, minute=30),
    },
    # The 2nd of each month at 04:00: audit entries older than AUDIT_RETENTION_DAYS go (newest versions stay).
    "core-prune-audit": {"task": "core.prune_audit", "schedule": crontab(day_of_month=2, hour=4, minute=0)},
}
