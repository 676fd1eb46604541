"""Exactly once with real Celery workers on a real Redis broker and PostgreSQL.

A worker is a subprocess (``celery -A liaison worker``, two processes) pointed at the test database, writing to
a file sink; it is killed with SIGKILL (its whole process group, as a machine crash would) in the middle of a
batch. Runs are short: a few hundred notices, bounded waits, the worker always killed in ``finally``.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from notices import delivery, planner, reminders
from notices.models import Notice
from stations import notices as reception
from tests.notices.support import add_subscribers, make_day, make_station, sink_lines

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DAY = datetime.date(2027, 3, 28)
TODAY = datetime.date(2027, 3, 25)
QUEUE = "celery"


def redis():
    from redis import Redis

    return Redis.from_url(settings.REDIS_URL)


def clear_queue():
    """Only this test's own Redis database: the queue and kombu's unacknowledged messages."""
    redis().delete(QUEUE, "unacked", "unacked_index", "unacked_mutex")


def database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="") + (":" + quote(s["PASSWORD"], safe="") if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def worker(sink: str, log: Path, name: str):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "NOTICE_SINK": sink,
        "DJANGO_SETTINGS_MODULE": "liaison.settings.test",
        "NOTICE_RETRY_BACKOFF": "0",
    }
    command = [sys.executable, "-m", "celery", "-A", "liaison", "worker", "-c", "2", "-P", "prefork", "-l", "warning"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h", "-Q", QUEUE]
    with open(log, "ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        kill(process)


def kill(process):
    """SIGKILL the worker and its pool processes at once."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def wait_for(condition, *, timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def settle(ids, quiet: float = 1.0, timeout: float = 30) -> None:
    """Wait until the sent count has not moved for ``quiet`` seconds (the worker is idle)."""
    deadline = time.monotonic() + timeout
    last, since = sent(ids), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.1)
        now = sent(ids)
        if now != last:
            last, since = now, time.monotonic()


def sent(ids) -> int:
    return Notice.objects.filter(pk__in=ids, status=Notice.Status.SENT).count()


def publish_day(subscribers: int) -> list[int]:
    station, deputies = make_station(deputies=3, accounts=1, emails=1)
    make_day(station, DAY, deputies)
    add_subscribers(station, subscribers)
    report = reception.publish_due_reception_days(today=TODAY)  # queued on commit, to Redis
    return report.notice_ids


@pytest.fixture
def sink(tmp_path, settings):
    """The workers' file sink, known to this process too: the sweeper run here asks it what was delivered, as the
    beat's sweeper does in production (same settings as the senders)."""
    clear_queue()
    settings.NOTICE_SINK = str(tmp_path / "sink.jsonl")
    yield settings.NOTICE_SINK
    clear_queue()


def assert_exactly_once(sink: str, ids) -> None:
    counts = Counter(line["notice"] for line in sink_lines(sink))
    assert set(counts) == set(ids), "every notice delivered"
    assert set(counts.values()) == {1}, f"sent twice: {[i for i, n in counts.items() if n > 1]}"
    assert sent(ids) == len(ids)


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(sink, tmp_path):
    ids = publish_day(subscribers=400)
    assert len(ids) == 3 + 1 + 1 + 400 and redis().llen(QUEUE) == len(ids)
    log = tmp_path / "worker.log"
    with worker(sink, log, "first") as first:
        assert wait_for(lambda: sent(ids) >= 80, timeout=60), log.read_text()
        kill(first)
    done_by_first = sent(ids)
    interrupted = Notice.objects.filter(pk__in=ids, status=Notice.Status.PENDING, claimed_at__isnull=False).count()
    assert done_by_first < len(ids), "the kill came after the batch: nothing was tested"
    print(f"killed after {done_by_first}/{len(ids)} sent, {interrupted} claimed and not finished")
    with worker(sink, log, "second"):
        # The second worker drains what was still queued; the first one's reserved and in-flight messages are
        # lost with it (unacknowledged until Redis' visibility timeout): the sweeper puts them back.
        assert wait_for(lambda: redis().llen(QUEUE) == 0, timeout=60), log.read_text()
        settle(ids)
        report = delivery.notices_sweep(older_than=0)
        # (a claim of the second worker still in flight may be settled too: the fencing keeps that safe)
        assert report.reconciled + report.reclaimed >= interrupted
        assert wait_for(lambda: sent(ids) == len(ids), timeout=60), log.read_text()
    assert_exactly_once(sink, ids)


def test_a_flushed_queue_is_recovered_by_the_sweeper(sink, tmp_path):
    ids = publish_day(subscribers=150)
    assert redis().llen(QUEUE) == len(ids)
    redis().delete(QUEUE)  # the broker lost every message after the rows were committed
    log = tmp_path / "worker.log"
    with worker(sink, log, "after-flush"):
        time.sleep(2)
        assert sent(ids) == 0
        assert delivery.notices_sweep(older_than=0).requeued == len(ids)
        assert wait_for(lambda: sent(ids) == len(ids), timeout=60), log.read_text()
    assert_exactly_once(sink, ids)


def test_two_planners_at_once_record_and_queue_each_row_once(sink):
    station, deputies = make_station(deputies=3, accounts=1, emails=1)
    make_day(station, DAY, deputies)
    add_subscribers(station, 100)
    reminders.autodiscover()
    saved = dict(reminders.PLANNERS)
    reminders.PLANNERS.clear()

    @reminders.reminder_planner("test_concurrent")
    def plan(*, today):
        for deputy in deputies:
            yield reminders.Reminder(
                kind="test_concurrent", key=f"{today}", text="提醒", recipient_deputy_id=deputy.pk, channels=("sms",)
            )

    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            reports.append(planner.run_planner(today=TODAY))
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        reminders.PLANNERS.clear()
        reminders.PLANNERS.update(saved)
    assert not errors
    expected = 3 + 1 + 1 + 100 + 3
    rows = Notice.objects.filter(kind__in=[Notice.Kind.RECEPTION, "test_concurrent"])
    assert rows.count() == expected
    assert sum(r.days_published for r in reports) == 1
    queued = sorted(r for report in reports for r in report.notice_ids)
    assert queued == sorted(rows.values_list("pk", flat=True))  # each row queued by exactly one of them
    assert redis().llen(QUEUE) == expected
