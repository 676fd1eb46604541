"""Benchmark: plan and record the notices of one reception day for N recipients, against a bare bulk insert of the
same rows in the same run; then sending per 1,000 with the file sink.

    python manage.py bench_notices --recipients 100000

Runs on the configured database (PostgreSQL for figures worth quoting). It creates a throw-away station
(``BENCH-NOTICES``) with three deputies on duty and N confirmed subscribers, and deletes it all at the end
(``--keep`` leaves it). Nothing is sent anywhere: sending writes to a temporary sink file.
"""

from __future__ import annotations

import datetime
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings

from deputies.models import Deputy
from notices import delivery, planner
from notices.channels import read_sink_ids
from notices.models import Notice, Subscriber
from stations import notices as reception
from stations.models import Area, ReceptionDay, Station

CODE = "BENCH-NOTICES"
DAY = datetime.date(2099, 1, 28)
TODAY = DAY - datetime.timedelta(days=3)


def _send_all(ids) -> list[str]:
    """One sender: its own database connection (closed at the end when it is a thread)."""
    try:
        return [delivery.notice_send(notice_id=notice_id) for notice_id in ids]
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()


class Command(BaseCommand):
    help = "Time planning + recording N notice rows against a bare bulk insert, and sending per 1,000."

    def add_arguments(self, parser):
        parser.add_argument("--recipients", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=2, help="runs of each measure; the best is reported")
        parser.add_argument("--send", type=int, default=1000, help="notices sent through the file sink")
        parser.add_argument("--concurrency", type=int, default=4, help="parallel senders for the second measure")
        parser.add_argument("--keep", action="store_true", help="keep the bench station and its rows")

    def handle(self, *args, recipients, repeat, send, concurrency, keep, **options):
        if recipients < 1 or repeat < 1 or send < 0:
            raise CommandError("--recipients and --repeat must be positive, --send 0 or more", returncode=2)
        self.teardown()  # what a previous run left (--keep, or interrupted)
        self.stdout.write(f"bench_notices on {connection.vendor}: {recipients:,} subscribers + 3 deputies on duty")
        day = self.setup(recipients)
        try:
            bare, copied, planned, rows = [], [], [], 0
            for _ in range(repeat):
                bare.append(self.bare_insert(day))
                if connection.vendor == "postgresql":
                    copied.append(self.bare_copy(day))
                seconds, rows = self.plan(day)
                planned.append(seconds)
            best_bare, best_plan = min(bare), min(planned)
            self.stdout.write(f"bare bulk insert (Django bulk_create) of the same {rows:,} rows: {best_bare:.2f} s")
            self.stdout.write(
                f"plan + record ({rows:,} rows: publish, recipients, texts, INSERT … ON CONFLICT … RETURNING): "
                f"{best_plan:.2f} s = {best_plan / best_bare:.2f}× the bare insert "
                f"(targets: ≤ 10 s, ≤ 3×) [runs: plan {', '.join(f'{s:.2f}' for s in planned)}; "
                f"bare {', '.join(f'{s:.2f}' for s in bare)}]"
            )
            if copied:
                self.stdout.write(
                    f"raw floor (COPY of the same rows straight into the table, no conflict check, no ids): "
                    f"{min(copied):.2f} s; plan + record = {best_plan / min(copied):.2f}× that"
                )
            if send:
                self.send(day, send, concurrency)
        finally:
            if not keep:
                self.teardown()

    def setup(self, recipients: int) -> ReceptionDay:
        area = Area.objects.filter(kind=Area.Kind.COUNTY).first() or Area.objects.create(
            code="BENCH", name="Bench", kind=Area.Kind.COUNTY
        )
        station = Station.objects.create(code=CODE, name="基准测试联络站", area=area, address="基准路1号")
        deputies = [
            Deputy.objects.create(ref=f"BENCH-{i}", name=f"基准代表{i}", gender="female", phone=f"1390000000{i}")
            for i in range(3)
        ]
        day = ReceptionDay.objects.create(station=station, scheduled_date=DAY, date=DAY)
        day.duty_deputies.set(deputies)
        started = time.perf_counter()
        Subscriber.objects.bulk_create(
            (
                Subscriber(
                    station=station,
                    channel="sms",
                    address=f"1{n:010d}",
                    token=f"bench-{n}",
                    confirmed_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC),
                )
                for n in range(recipients)
            ),
            batch_size=5000,
        )
        self.stdout.write(f"(set-up: {recipients:,} subscribers created in {time.perf_counter() - started:.1f} s)")
        return day

    def reset(self, day: ReceptionDay) -> None:
        Notice.objects.filter(reception_day=day).delete()
        ReceptionDay.objects.filter(pk=day.pk).update(
            notice_published_at=None, status=ReceptionDay.Status.PLANNED, change_count=0
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Notice._meta.db_table)}")

    def bare_insert(self, day: ReceptionDay) -> float:
        """The same rows, built beforehand, in one plain ``bulk_create`` (the floor any planner is held to)."""
        self.reset(day)
        day = ReceptionDay.objects.select_related("station").prefetch_related(reception.duty_prefetch()).get(pk=day.pk)
        stamp = Notice._meta.get_field("created_at").default()
        objects = [r.as_notice(enqueued_at=stamp) for r in reception.reception_rows(day)]
        started = time.perf_counter()
        with transaction.atomic():
            Notice.objects.bulk_create(objects, batch_size=planner.INSERT_BATCH)
        return time.perf_counter() - started

    def bare_copy(self, day: ReceptionDay) -> float:
        """The same rows streamed with COPY into the notice table itself: the fastest PostgreSQL can take them."""
        self.reset(day)
        day = ReceptionDay.objects.select_related("station").prefetch_related(reception.duty_prefetch()).get(pk=day.pk)
        values = list(planner._values(reception.reception_rows(day), Notice._meta.get_field("created_at").default()))
        qn = connection.ops.quote_name
        columns = ", ".join(qn(c) for c in planner.COLUMNS)
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            copy_sql = f"COPY {qn(Notice._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in values:
                    copy.write_row(row)
        return time.perf_counter() - started

    def plan(self, day: ReceptionDay) -> tuple[float, int]:
        self.reset(day)
        started = time.perf_counter()
        report = reception.publish_due_reception_days(today=TODAY, enqueue=False, day_ids=[day.pk])
        seconds = time.perf_counter() - started
        if report.days_published != 1:
            raise CommandError("the bench day was not published", returncode=1)
        return seconds, report.reception_notices

    def send(self, day: ReceptionDay, count: int, concurrency: int) -> None:
        """Send ``count`` notices through the sink, one after the other and then ``concurrency`` at a time
        (threads with their own database connections, as worker processes would be)."""
        pending = list(
            Notice.objects.filter(reception_day=day, status=Notice.Status.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)[: count * 2]
        )
        runs = [("one at a time", 1, pending[:count])]
        if concurrency > 1:
            runs.append((f"{concurrency} at a time", concurrency, pending[count : count * 2]))
        with tempfile.TemporaryDirectory() as folder, override_settings(NOTICE_SINK=os.path.join(folder, "s")):
            for label, workers, ids in runs:
                if not ids:
                    continue
                started = time.perf_counter()
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    chunks = pool.map(_send_all, [ids[i::workers] for i in range(workers)])
                    outcomes = [outcome for chunk in chunks for outcome in chunk]
                seconds = time.perf_counter() - started
                recorded = len(read_sink_ids() & set(ids))
                self.stdout.write(
                    f"sending with the file sink, {label}: {len(ids):,} notices in {seconds:.2f} s = "
                    f"{seconds / len(ids) * 1000:.2f} s per 1,000 ({len(ids) / seconds:,.0f}/s; "
                    f"{outcomes.count('sent'):,} sent, {recorded:,} sink lines)"
                )

    def teardown(self) -> None:
        # Dependent rows first, each in its own transaction: hooks that run on commit (dashboard roll-ups) must
        # still find the station.
        Notice.objects.filter(station__code=CODE).delete()
        Subscriber.objects.filter(station__code=CODE).delete()
        ReceptionDay.objects.filter(station__code=CODE).delete()
        Station.objects.filter(code=CODE).delete()
        Deputy.objects.filter(ref__startswith="BENCH-").delete()
