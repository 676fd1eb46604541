"""The notices of reception days: published three days ahead to the deputies on duty and the station's
subscribers, and one change notice to everyone told when a published day moves, is cancelled or changes its time
or place.

The outbox (``notices``) only records and delivers rows; what a reception day says, to whom, and when it is
due is decided here, and the daily planner runs it as a row planner (``stations.reminders``) before the
reminders. Publishing a day is a write of its own (status ``published``, ``notice_published_at``) made in the
same transaction that records its notices, so a day is published exactly when its notices exist:

- a due day is locked (``SELECT … FOR UPDATE SKIP LOCKED``) by the run that publishes it; another run skips it,
  and once published it is no longer due;
- "due" is "on or before the day, within three days of it, not yet published", so a day missed on the 25th
  (beat down, worker down) is caught up on the 26th or 27th.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.hooks import records_changed, records_changed_pairs
from notices.messages import Message, language
from notices.models import Notice, Subscriber
from notices.planner import NoticeRow, PlanReport, queue_after_commit, record_notices
from notices.recipients import contact_channels

from .models import ReceptionDay

DUE_STATUSES = (ReceptionDay.Status.PLANNED, ReceptionDay.Status.MOVED)


def days_ahead() -> int:
    return getattr(settings, "NOTICE_DAYS_AHEAD", 3)


# --- the texts ------------------------------------------------------------------------------------------------
# Short (one SMS, about 70 Chinese characters plus names): station, date and weekday, time, place, the deputies
# on duty; a change notice says what changed and why. Rendered once per day and kind in NOTICE_LANGUAGE.


def _when(day) -> dict:
    return {
        "station": day.station.name,
        "date": formats.date_format(day.date, "DATE_FORMAT"),
        "weekday": formats.date_format(day.date, "l"),
        "start": day.start_time.strftime("%H:%M"),
        "end": day.end_time.strftime("%H:%M"),
        "place": day.display_place,
    }


def deputy_names(day) -> str:
    names = [d.name for d in day.duty_deputies.all()]
    return _(", ").join(names) if names else _("to be announced")


def station_link(day) -> str:
    return f"/stations/{day.station.code}/"


def reception_notice(day) -> Message:
    """The notice published three days ahead: who is on duty, when and where."""
    with translation.override(language()):
        values = {**_when(day), "deputies": deputy_names(day)}
        title = _("%(station)s: reception day on %(date)s") % values
        text = (
            _(
                "%(station)s receives voters on %(date)s (%(weekday)s) %(start)s-%(end)s at %(place)s. "
                "Deputies on duty: %(deputies)s."
            )
            % values
        )
    return Message(title=title, text=text, link=station_link(day))


def change_notice(day) -> Message:
    """The notice sent once for each change of a published day: moved, cancelled, or new time or place."""
    with translation.override(language()):
        values = {**_when(day), "deputies": deputy_names(day), "reason": day.change_reason or _("not given")}
        if day.status == day.Status.CANCELLED:
            values["date"] = formats.date_format(day.original_date or day.date, "DATE_FORMAT")
            title = _("%(station)s: reception day of %(date)s cancelled") % values
            text = _("%(station)s: the reception day of %(date)s is cancelled. Reason: %(reason)s.") % values
        else:
            values["original"] = formats.date_format(day.original_date or day.scheduled_date, "DATE_FORMAT")
            title = _("%(station)s: reception day changed") % values
            text = (
                _(
                    "%(station)s: the reception day of %(original)s now takes place on %(date)s (%(weekday)s) "
                    "%(start)s-%(end)s at %(place)s. Reason: %(reason)s. Deputies on duty: %(deputies)s."
                )
                % values
            )
    return Message(title=title, text=text, link=station_link(day))


# --- the rows -------------------------------------------------------------------------------------------------


def duty_prefetch() -> Prefetch:
    """The deputies on duty with what their notices need (names, phone, e-mail, account) in one query."""
    Deputy = ReceptionDay._meta.get_field("duty_deputies").related_model
    return Prefetch("duty_deputies", queryset=Deputy.objects.order_by("name", "pk"))


def subscribers_by_station(station_ids) -> dict[int, list[tuple[int, str]]]:
    """(subscriber id, channel) of the confirmed subscribers of each station: one query for all of them."""
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
    """The deputies on duty on every channel they have (from the prefetched deputies: no query), then the
    subscribers on the channel they chose."""
    pairs = [
        (f"deputy:{d.pk}", channel)
        for d in day.duty_deputies.all()
        for channel in contact_channels(phone=d.phone, email=d.email, user_id=d.user_id)
    ]
    pairs += [(f"subscriber:{pk}", channel) for pk, channel in subscribers]
    return pairs


def reception_key(day) -> str:
    return f"reception-day:{day.pk}"


def reception_rows(day, *, subscribers=None) -> list[NoticeRow]:
    """The reception notice of one day for its deputies on duty and the station's subscribers."""
    if subscribers is None:
        subscribers = subscribers_by_station([day.station_id]).get(day.station_id, [])
    return _day_rows(
        day, Notice.Kind.RECEPTION, reception_key(day), reception_notice(day), _recipients(day, subscribers)
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
    subscribers = subscribers_by_station([day.station_id]).get(day.station_id, [])
    told = (
        Notice.objects.filter(reception_day=day).order_by("recipient", "channel").values_list("recipient", "channel")
    ).distinct()
    pairs = list(dict.fromkeys([*told, *_recipients(day, subscribers)]))
    key = f"{reception_key(day)}:change:{day.change_count}"
    return _day_rows(day, Notice.Kind.RECEPTION_CHANGE, key, change_notice(day), pairs)


# --- publishing and closing -----------------------------------------------------------------------------------


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
        subscribers = subscribers_by_station(d.station_id for d in days)
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


def plan_reception_days(*, today: datetime.date, enqueue: bool, report: PlanReport) -> None:
    """The daily planner's part for reception days: publish the due days, then close the past ones."""
    publish_due_reception_days(today=today, enqueue=enqueue, report=report)
    report.days_closed = close_past_reception_days(today=today)
