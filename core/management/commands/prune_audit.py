"""Delete audit entries older than the retention period: versions kept by django-simple-history, the unmasking
log and sign-in attempts. ``--older-than DAYS`` (default ``settings.AUDIT_RETENTION_DAYS``); ``--dry-run`` counts.

The newest version of every record is always kept, so the trail of a record still says what it is."""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

LOGS = [
    ("visits.UnmaskLog", "at"),
    ("axes.AccessAttempt", "attempt_time"),
    ("axes.AccessLog", "attempt_time"),
    ("axes.AccessFailureLog", "attempt_time"),
]


class Command(BaseCommand):
    help = "Delete audit entries older than the retention period (the newest version of each record stays)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=None, help="days (default AUDIT_RETENTION_DAYS)")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, older_than=None, dry_run=False, **options):
        days = settings.AUDIT_RETENTION_DAYS if older_than is None else older_than
        if days < 30:
            raise CommandError("--older-than must be at least 30 days")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        counts = {}
        with transaction.atomic():
            for model in apps.get_models():
                if not (hasattr(model, "instance_type") and hasattr(model, "history_date")):
                    continue
                newest = model.objects.values("id").annotate(last=Max("history_id")).values("last")
                old = model.objects.filter(history_date__lt=cutoff).exclude(history_id__in=newest)
                counts[model._meta.label] = old.count() if dry_run else old.delete()[0]
            for label, field in LOGS:
                try:
                    model = apps.get_model(label)
                except LookupError:
                    continue
                old = model.objects.filter(**{f"{field}__lt": cutoff})
                counts[label] = old.count() if dry_run else old.delete()[0]
        total = sum(counts.values())
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {total} audit entries older than {days} days")
