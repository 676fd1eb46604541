"""Create the month's reception day (the 28th) for every active station, with deputies on duty from the rota."""

from django.core.management.base import BaseCommand

from core.commands import parse_month
from stations import services


class Command(BaseCommand):
    help = "Create the 28th of --month YYYY-MM for every active station; a second run creates nothing."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, **options):
        month = parse_month(options["month"])
        result = services.reception_days_generate(month=month)
        self.stdout.write(
            f"{result.scheduled_date}: {result.created} reception days created, {result.existing} already there, "
            f"{result.with_duty} given deputies on duty"
        )
