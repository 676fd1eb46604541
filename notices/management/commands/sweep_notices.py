"""Re-queue notices still pending after --older-than seconds and settle interrupted sends; safe at any time."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notices import delivery


class Command(BaseCommand):
    help = "Re-queue notices left pending (lost messages) and settle sends interrupted by a dead worker."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=float, default=None, help=f"seconds (default {settings.NOTICE_SWEEP_AFTER})"
        )

    def handle(self, *args, **options):
        older_than = options["older_than"]
        if older_than is not None and older_than < 0:
            raise CommandError("--older-than must be 0 or more seconds", returncode=2)
        report = delivery.notices_sweep(older_than=older_than)
        self.stdout.write(
            f"{report.requeued} re-queued, {report.reclaimed} interrupted sends queued again, "
            f"{report.reconciled} found delivered, {report.failed} failed, "
            f"{report.purged_subscribers} unconfirmed sign-ups deleted"
        )
