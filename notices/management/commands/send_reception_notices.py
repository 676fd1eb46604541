"""Run the daily notice planner by hand: publish the reception days due within three days of --today (and any
missed earlier), record their notices and the registered reminders, and queue them for sending."""

from django.core.management.base import BaseCommand
from django.db.models import Count

from core.commands import parse_day
from notices import planner
from notices.models import Notice


class Command(BaseCommand):
    help = (
        "Publish and queue every notice due on --today (default: today, Asia/Shanghai). "
        "Running it twice sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (Asia/Shanghai)")

    def handle(self, *args, **options):
        today = parse_day(options["today"]) if options["today"] else None
        report = planner.run_planner(today=today)
        self.stdout.write(
            f"{report.today}: {report.days_published} reception days published, "
            f"{report.reception_notices} reception notices and {report.reminders} reminders queued"
            + (f"; {report.days_closed} past days marked held" if report.days_closed else "")
        )
        if report.failed_planners:
            self.stderr.write(f"reminder planners that failed: {', '.join(report.failed_planners)}")
        if report.notice_ids:
            # With eager tasks (no REDIS_URL) they are already delivered; with a broker, workers are sending them.
            states = dict(
                Notice.objects.filter(pk__in=report.notice_ids)
                .values_list("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
            )
            self.stdout.write(", ".join(f"{states.get(s, 0)} {s}" for s in Notice.Status.values))
