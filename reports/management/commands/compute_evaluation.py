from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from reports import evaluation


class Command(BaseCommand):
    help = "Compute the yearly 6-category / 26-item evaluation with evidence (all active stations or one)."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="YYYY")
        parser.add_argument("--station", help="station code: compute only this station's sheet")

    def handle(self, *args, year, station, **options):
        try:
            scheme = evaluation.scheme_for_year(year)
            results = evaluation.compute_evaluation(scheme=scheme, station_codes=[station] if station else None)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        shown = [r for r in results if not station or r.station.code == station]
        for r in shown:
            award = "  ★ people-satisfied station" if r.awarded else ""
            self.stdout.write(f"{r.rank:>4}  {r.station.code}  {r.total:>5}  {r.grade}{award}")
        self.stdout.write(self.style.SUCCESS(f"{scheme.year}: {len(results)} stations scored"))
