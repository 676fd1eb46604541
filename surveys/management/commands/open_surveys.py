import datetime

from django.core.management.base import BaseCommand, CommandError

from surveys import services


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Create the year-end satisfaction survey of every active station that has none (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--opens", type=_date, help="first day (default: 10 December)")
        parser.add_argument("--closes", type=_date, help="last day (default: 31 December)")

    def handle(self, *args, year, opens, closes, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"--year out of range: {year}")
        try:
            created = services.surveys_open_year_end(year=year, opens_on=opens, closes_on=closes)
        except services.DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{created} survey(s) created for {year}")
