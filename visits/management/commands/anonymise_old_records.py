from django.core.management.base import BaseCommand, CommandError

from visits.services import anonymise_old_records


class Command(BaseCommand):
    help = (
        "Erase visitors' and citizens' names and phones from visit logs older than N days and from opinions "
        "closed or rejected more than N days ago. Counts and content stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=730, metavar="DAYS", help="age in days (default 730)")

    def handle(self, *args, older_than, **options):
        if older_than < 1:
            raise CommandError("--older-than must be at least 1 day")
        counts = anonymise_old_records(older_than_days=older_than)
        self.stdout.write(
            f"anonymised {counts['visit_logs']} visit logs and {counts['opinions']} opinions "
            f"older than {older_than} days"
        )
