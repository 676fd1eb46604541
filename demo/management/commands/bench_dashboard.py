"""Benchmark: the dashboard summary from rollups vs the same figures by raw aggregation over the records.

Run on PostgreSQL with scaled demo data (``make bench-dashboard``). ``--visits N`` first tops the visit-log
table up to N rows with synthetic rows spread over every station and 2025 (PostgreSQL's generate_series), then
rebuilds the rollups. Prints the timings, their ratio and the dashboard page's query count.
"""

import statistics
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from reports import rollups, selectors
from stations.models import Station

# Synthetic visit logs spread over every station and the year (the table name is ours; values are parameters).
INSERT_VISITS = """
    INSERT INTO {table} (station_id, date, people_count, visitor_name, visitor_phone, topics, summary, created_at)
    SELECT (%s::bigint[])[1 + (g %% %s)], DATE %s + (g %% 365), 1 + (g %% 5), '', '', '', '', now()
    FROM generate_series(1, %s) AS g
"""


def raw_figures(*, stations, year: int) -> dict:
    """The summary's figures computed straight from the records, the way a dashboard without rollups would."""
    out = {}
    for source in rollups.SOURCES:
        model = apps.get_model(source.model)
        qs = model._default_manager.filter(source.where, **{f"{source.station}__in": stations})
        qs = qs.filter(**{source.date: year} if source.yearly else {f"{source.date}__year": year})
        out[source.figure] = qs.aggregate(v=source.value)["v"] or 0
    return out


class Command(BaseCommand):
    help = "Time the dashboard summary from rollups against raw aggregation (PostgreSQL, scaled data)."

    def add_arguments(self, parser):
        parser.add_argument("--visits", type=int, default=0, help="top visit logs up to this many rows first")
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, visits, year, repeat, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_dashboard needs PostgreSQL (set DATABASE_URL=postgres://...)")
        VisitLog = apps.get_model("visits", "VisitLog")
        n_stations = Station.objects.count()
        have = VisitLog.objects.count()
        if visits > have:
            self.stdout.write(f"adding {visits - have:,} synthetic visit logs over {n_stations:,} stations …")
            started = time.perf_counter()
            ids = list(Station.objects.values_list("pk", flat=True))
            with transaction.atomic(), connection.cursor() as cursor:
                table = connection.ops.quote_name(VisitLog._meta.db_table)
                cursor.execute(INSERT_VISITS.format(table=table), [ids, len(ids), f"{year}-01-01", visits - have])
            self.stdout.write(f"  inserted in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            rollups.rebuild()
            self.stdout.write(f"  rollups rebuilt in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        stations = Station.objects.all()

        def best(fn):
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                fn()
                times.append(time.perf_counter() - started)
            return min(times), statistics.median(times)

        fast_rollup, med_rollup = best(lambda: selectors.summary(stations=stations, year=year))
        fast_raw, med_raw = best(lambda: raw_figures(stations=stations, year=year))
        rollup_people = selectors.figures(stations=stations, year=year)["people_received"]
        raw_people = VisitLog.objects.filter(date__year=year).aggregate(n=Sum("people_count"))["n"] or 0
        county = User.objects.filter(username="county").first()
        queries = None
        if county:
            client = Client()
            client.force_login(county)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(f"/dashboard/?year={year}", HTTP_HOST="127.0.0.1").status_code == 200
            queries = len(ctx.captured_queries)
        self.stdout.write(f"stations: {n_stations:,}; visit logs: {VisitLog.objects.count():,}")
        self.stdout.write(f"summary from rollups: best {fast_rollup * 1000:.1f} ms, median {med_rollup * 1000:.1f} ms")
        self.stdout.write(f"raw aggregation:      best {fast_raw * 1000:.1f} ms, median {med_raw * 1000:.1f} ms")
        self.stdout.write(f"ratio rollups/raw (best): {fast_rollup / fast_raw:.3f} (target ≤ 0.1)")
        self.stdout.write(
            f"people received: rollups {rollup_people:,} = records {raw_people:,}: "
            f"{'ok' if rollup_people == raw_people else 'MISMATCH'}"
        )
        if queries is not None:
            self.stdout.write(f"/dashboard/ SQL queries: {queries} (target ≤ 15)")
