"""The daily planner: publish the reception days due within three days, record their notices, materialise the
registered reminders, and queue every new row for sending.

Safe to run at any time and any number of times, also concurrently (two beats, a beat and a hand run):

- a due day is locked (``SELECT … FOR UPDATE SKIP LOCKED``) by the run that publishes it; another run skips it,
  and once published it is no longer due;
- rows are inserted with ``ON CONFLICT DO NOTHING`` against the unique (kind, key, recipient, channel), and only
  the rows a run actually inserted (``RETURNING id``) are queued by that run, after its commit;
- "due" is "on or before the day, within three days of it, not yet published", so a day missed on the 25th
  (beat down, worker down) is caught up on the 26th or 27th.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from core.hooks import records_changed, records_changed_pairs
from core.privacy import scrub
from deputies.models import Deputy
from notices import reminders as reminder_registry
from stations.models import ReceptionDay

from . import messages
from .models import Notice, Subscriber
from .recipients import deputy_channels, reachable

logger = logging.getLogger(__name__)

INSERT_BATCH = 2000  # rows per INSERT: 2000 × 14 parameters stays under SQLite's and PostgreSQL's limits
DUE_STATUSES = (ReceptionDay.Status.PLANNED, ReceptionDay.Status.MOVED)


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


@dataclass
class PlanReport:
    today: datetime.date
    days_published: int = 0
    reception_notices: int = 0
    reminders: int = 0
    days_closed: int = 0
    failed_planners: list[str] = field(default_factory=list)
    notice_ids: list[int] = field(default_factory=list)


def days_ahead() -> int:
    return getattr(settings, "NOTICE_DAYS_AHEAD", 3)


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
                f"CREATE TEMP TABLE notice_stage ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
            )
            with cursor.cursor.copy(f"COPY notice_stage ({columns}) FROM STDIN") as copy:
                for values in _values(rows, now):
                    copy.write_row(values)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM notice_stage{returning}")  # noqa: S608
            ids = [row[0] for row in cursor.fetchall()]
            cursor.execute("DROP TABLE notice_stage")
            return ids
        stamp = Notice._meta.get_field("created_at").get_db_prep_value(now, connection)
        one = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
        for start in range(0, len(rows), INSERT_BATCH):
            batch = rows[start : start + INSERT_BATCH]
            params = [value for values in _values(batch, stamp) for value in values]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))}{returning}", params)  # noqa: S608
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def queue_after_commit(ids: list[int]) -> None:
    """Queue the send tasks once the rows are committed (a task must never look for a row not yet visible)."""
    if ids:
        from .delivery import enqueue

        transaction.on_commit(partial(enqueue, list(ids)))


# --- reception days -------------------------------------------------------------------------------------------


def duty_prefetch() -> Prefetch:
    return Prefetch("duty_deputies", queryset=Deputy.objects.order_by("name", "pk"))


def _subscribers_by_station(station_ids) -> dict[int, list[tuple[int, str]]]:
    grouped: dict[int, list[tuple[int, str]]] = {}
    rows = (
        Subscriber.objects.confirmed()
        .filter(station_id__in=set(station_ids))
        .order_by("pk")
        .values_list("station_id", "pk", "channel")
    )
    for station_id, pk, channel in rows.iterator(chunk_size=10000):
        grouped.setdefault(station_id, []).append((pk, channel))
    return grouped


def _recipients(day, subscribers: list[tuple[int, str]]) -> list[tuple[str, str]]:
    pairs = [
        (f"deputy:{d.pk}", channel)
        for d in day.duty_deputies.all()
        for channel in deputy_channels(phone=d.phone, email=d.email, user_id=d.user_id)
    ]
    pairs += [(f"subscriber:{pk}", channel) for pk, channel in subscribers]
    return pairs


def reception_key(day) -> str:
    return f"reception-day:{day.pk}"


def reception_rows(day, *, subscribers=None) -> list[NoticeRow]:
    """The reception notice of one day for its deputies on duty and the station's subscribers."""
    if subscribers is None:
        subscribers = _subscribers_by_station([day.station_id]).get(day.station_id, [])
    return _day_rows(
        day, Notice.Kind.RECEPTION, reception_key(day), messages.reception_notice(day), _recipients(day, subscribers)
    )


def _day_rows(day, kind, key, message, pairs) -> list[NoticeRow]:
    """One row per (recipient, channel) of a reception day's message."""
    return [
        NoticeRow(
            kind=kind,
            key=key,
            recipient=recipient,
            channel=channel,
            title=message.title,
            text=message.text,
            link=message.link,
            reception_day_id=day.pk,
            station_id=day.station_id,
        )
        for recipient, channel in pairs
    ]


def change_rows(day) -> list[NoticeRow]:
    """The change notice for the day's current ``change_count``: everyone already told about the day (any earlier
    notice row) and everyone who would be told now."""
    subscribers = _subscribers_by_station([day.station_id]).get(day.station_id, [])
    told = (
        Notice.objects.filter(reception_day=day).order_by("recipient", "channel").values_list("recipient", "channel")
    ).distinct()
    pairs = list(dict.fromkeys([*told, *_recipients(day, subscribers)]))
    key = f"{reception_key(day)}:change:{day.change_count}"
    return _day_rows(day, Notice.Kind.RECEPTION_CHANGE, key, messages.change_notice(day), pairs)


def publish_due_reception_days(
    *, today: datetime.date, enqueue: bool = True, report: PlanReport | None = None, day_ids=None
):
    """Publish every reception day due within ``NOTICE_DAYS_AHEAD`` days of ``today`` (and not yet published):
    set ``notice_published_at``, record its notices, queue them after the commit. ``day_ids`` limits it to
    those days (a day just moved into the window)."""
    report = report or PlanReport(today=today)
    now = timezone.now()
    due = ReceptionDay.objects.all() if day_ids is None else ReceptionDay.objects.filter(pk__in=list(day_ids))
    with transaction.atomic():
        days = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .filter(
                notice_published_at__isnull=True,
                date__gte=today,
                date__lte=today + datetime.timedelta(days=days_ahead()),
                status__in=DUE_STATUSES,
                station__is_active=True,
            )
            .select_related("station")
            .prefetch_related(duty_prefetch())
            .order_by("date", "station_id")
        )
        if not days:
            return report
        for day in days:
            if day.status == ReceptionDay.Status.PLANNED:
                day.status = ReceptionDay.Status.PUBLISHED
            day.notice_published_at = now
            day.updated_at = now
        ReceptionDay.objects.bulk_update(days, ["status", "notice_published_at", "updated_at"])
        records_changed(station_ids=None)  # bulk writes send no model signal: the public pages must show them
        subscribers = _subscribers_by_station(d.station_id for d in days)
        rows = [row for day in days for row in reception_rows(day, subscribers=subscribers.get(day.station_id, []))]
        ids = record_notices(rows, now=now)
        if enqueue:
            queue_after_commit(ids)
    report.days_published += len(days)
    report.reception_notices += len(ids)
    report.notice_ids += ids
    return report


def close_past_reception_days(*, today: datetime.date) -> int:
    """A published day whose date has passed was held. Moved and cancelled days keep their status (and reason):
    the public record of the change stays."""
    due = ReceptionDay.objects.filter(
        date__lt=today, status=ReceptionDay.Status.PUBLISHED, notice_published_at__isnull=False
    )
    touched = list(due.values_list("station_id", "date"))
    closed = due.update(status=ReceptionDay.Status.HELD, updated_at=timezone.now())
    if closed:
        records_changed(station_ids=None)
        records_changed_pairs(touched)  # a queryset update sends no signal: the dashboard's rollups too
    return closed


# --- generic reminders ----------------------------------------------------------------------------------------


def _title(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= 60 else first[:59] + "…"


def reminder_rows(*, today: datetime.date, report: PlanReport) -> list[NoticeRow]:
    """Every registered planner's reminders for ``today`` as rows, one per reachable channel. A planner that
    raises is reported and skipped: one broken capability does not stop the reception notices."""
    reminder_registry.autodiscover()
    wanted = []
    for kind, planner in list(reminder_registry.PLANNERS.items()):
        try:
            items = list(planner(today=today))
        except Exception as exc:  # noqa: BLE001 - one broken capability must not stop the others
            logger.error("reminder planner %r failed: %s: %s", kind, type(exc).__name__, scrub(str(exc))[:200])
            report.failed_planners.append(kind)
            continue
        for reminder in items:
            recipient = (
                f"user:{reminder.recipient_user_id}"
                if reminder.recipient_user_id is not None
                else f"deputy:{reminder.recipient_deputy_id}"
            )
            for channel in dict.fromkeys(reminder.channels):
                wanted.append((reminder, recipient, channel))
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
    """Everything the 08:00 beat job does, for ``today`` (Asia/Shanghai) or a given date."""
    today = today or timezone.localdate()
    report = PlanReport(today=today)
    publish_due_reception_days(today=today, enqueue=enqueue, report=report)
    report.days_closed = close_past_reception_days(today=today)
    materialise_reminders(today=today, enqueue=enqueue, report=report)
    return report
