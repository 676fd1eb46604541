"""The daily planner: run every registered planner (``notices.reminders``), record the rows they plan, and queue
every new row for sending.

First the row planners, which write their rows themselves (the reception days of ``stations.notices``: publish
the days due within three days, then close the past ones), then the reminder planners, whose reminders become
one row per channel that can reach the recipient. Other writes record their rows the same way when they happen
(a change notice, the tracking code of an opinion): ``record_notices`` in the writer's transaction, then
``queue_after_commit``.

Safe to run at any time and any number of times, also concurrently (two beats, a beat and a hand run):

- rows are inserted with ``ON CONFLICT DO NOTHING`` against the unique (kind, key, recipient, channel), and only
  the rows a run actually inserted (``RETURNING id``) are queued by that run, after its commit;
- a row planner locks what it publishes (``SELECT … FOR UPDATE SKIP LOCKED``), so another run skips it;
- planners answer for a window ("due" is "on or before the day, within three days of it, not yet published"),
  so an occurrence missed one day (beat down, worker down) is caught up the next.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from core.privacy import scrub

from . import reminders as reminder_registry
from .models import Notice
from .recipients import reachable

logger = logging.getLogger(__name__)

INSERT_BATCH = 2000  # rows per INSERT: 2000 × 14 parameters stays under SQLite's and PostgreSQL's limits


@dataclass(frozen=True)
class NoticeRow:
    kind: str
    key: str
    recipient: str
    channel: str
    title: str
    text: str
    link: str = ""
    reception_day_id: int | None = None
    station_id: int | None = None

    def as_notice(self, **fields) -> Notice:
        """The unsaved ``Notice`` of this row, with ``fields`` (status, times) set: for bulk loads that bypass
        ``record_notices`` (the demo's history, benchmarks)."""
        return Notice(
            kind=self.kind,
            key=self.key,
            reception_day_id=self.reception_day_id,
            station_id=self.station_id,
            recipient=self.recipient,
            channel=self.channel,
            title=self.title,
            text=self.text,
            link=self.link,
            **fields,
        )


@dataclass
class PlanReport:
    today: datetime.date
    days_published: int = 0
    reception_notices: int = 0
    reminders: int = 0
    days_closed: int = 0
    failed_planners: list[str] = field(default_factory=list)
    notice_ids: list[int] = field(default_factory=list)


# --- recording ------------------------------------------------------------------------------------------------

COLUMNS = (
    "kind",
    "key",
    "reception_day_id",
    "station_id",
    "recipient",
    "channel",
    "title",
    "text",
    "link",
    "status",
    "attempts",
    "last_error",
    "enqueued_at",
    "created_at",
)


def _values(rows, stamp):
    pending = Notice.Status.PENDING
    for r in rows:
        yield (
            r.kind,
            r.key,
            r.reception_day_id,
            r.station_id,
            r.recipient,
            r.channel,
            r.title[:200],
            r.text,
            r.link[:300],
            pending,
            0,
            "",
            stamp,
            stamp,
        )


def record_notices(rows, *, now: datetime.datetime | None = None) -> list[int]:
    """Insert the rows that do not exist yet; return the ids of those this call inserted.

    Django's ``bulk_create(ignore_conflicts=True)`` cannot say which rows it inserted, and that is exactly what
    decides which rows a run queues: so the rows go in with ``INSERT … ON CONFLICT DO NOTHING RETURNING id``. On
    PostgreSQL they are first streamed with ``COPY`` into a temporary table (one round trip, no per-value SQL
    building: planning 100,000 rows costs less than Django's own ``bulk_create`` of them); elsewhere (SQLite ≥
    3.35) in multi-row ``INSERT`` batches.
    """
    rows = list(rows)
    if not rows:
        return []
    now = now or timezone.now()
    qn = connection.ops.quote_name
    table, columns = qn(Notice._meta.db_table), ", ".join(qn(c) for c in COLUMNS)
    returning = f" ON CONFLICT DO NOTHING RETURNING {qn('id')}"
    ids: list[int] = []
    with transaction.atomic(), connection.cursor() as cursor:
        # Only quoted identifiers and placeholders are formatted into SQL; every value is a parameter or copied.
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMP TABLE notice_stage ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608  # nosec B608
            )
            with cursor.cursor.copy(f"COPY notice_stage ({columns}) FROM STDIN") as copy:
                for values in _values(rows, now):
                    copy.write_row(values)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM notice_stage{returning}")  # noqa: S608  # nosec B608
            ids = [row[0] for row in cursor.fetchall()]
            cursor.execute("DROP TABLE notice_stage")
            return ids
        stamp = Notice._meta.get_field("created_at").get_db_prep_value(now, connection)
        one = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
        for start in range(0, len(rows), INSERT_BATCH):
            batch = rows[start : start + INSERT_BATCH]
            params = [value for values in _values(batch, stamp) for value in values]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))}{returning}", params)  # noqa: S608  # nosec B608
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def queue_after_commit(ids: list[int]) -> None:
    """Queue the send tasks once the rows are committed (a task must never look for a row not yet visible; and
    if the writer's transaction rolls back, the rows are gone and nothing is queued)."""
    if ids:
        from .delivery import enqueue

        transaction.on_commit(partial(enqueue, list(ids)))


# --- generic reminders ----------------------------------------------------------------------------------------


def _title(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= 60 else first[:59] + "…"


def reminder_rows(*, today: datetime.date, report: PlanReport) -> list[NoticeRow]:
    """Every registered planner's reminders for ``today`` as rows, one per reachable channel. A planner that
    raises is reported and skipped: one broken capability does not stop the others."""
    wanted = []
    for kind, planner in list(reminder_registry.PLANNERS.items()):
        try:
            items = list(planner(today=today))
        except Exception as exc:  # noqa: BLE001 - one broken capability must not stop the others
            logger.error("reminder planner %r failed: %s: %s", kind, type(exc).__name__, scrub(str(exc))[:200])
            report.failed_planners.append(kind)
            continue
        for reminder in items:
            for channel in dict.fromkeys(reminder.channels):
                wanted.append((reminder, reminder.recipient, channel))
    ok = reachable((recipient, channel) for _r, recipient, channel in wanted)
    return [
        NoticeRow(
            kind=r.kind,
            key=r.key,
            recipient=recipient,
            channel=channel,
            title=_title(r.text),
            text=r.text,
            station_id=r.station_id,
        )
        for r, recipient, channel in wanted
        if (recipient, channel) in ok
    ]


def materialise_reminders(*, today: datetime.date, enqueue: bool = True, report: PlanReport | None = None):
    report = report or PlanReport(today=today)
    rows = reminder_rows(today=today, report=report)
    if rows:
        with transaction.atomic():
            ids = record_notices(rows)
            if enqueue:
                queue_after_commit(ids)
        report.reminders += len(ids)
        report.notice_ids += ids
    return report


def run_planner(*, today: datetime.date | None = None, enqueue: bool = True) -> PlanReport:
    """Everything the 08:00 beat job does, for ``today`` (Asia/Shanghai) or a given date: the row planners in
    their order (the reception days: publish the due ones, close the past ones), then the reminders."""
    today = today or timezone.localdate()
    report = PlanReport(today=today)
    for _name, plan in reminder_registry.row_planners():
        plan(today=today, enqueue=enqueue, report=report)
    materialise_reminders(today=today, enqueue=enqueue, report=report)
    return report
