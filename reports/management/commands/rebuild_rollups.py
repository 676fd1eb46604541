import time

from django.core.management.base import BaseCommand

from reports import rollups


class Command(BaseCommand):
    help = "Rebuild the dashboard's monthly figures (StationMonth) from the records."

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = rollups.rebuild()
        self.stdout.write(f"rebuilt {rows} station-months in {time.perf_counter() - started:.2f} s")
