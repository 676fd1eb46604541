"""Writes of the stations app: reception days (with their notices, ``stations.notices``) and the duty rota.
Keyword-only arguments; each docstring states the rule."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require
from core.errors import ConflictError, DomainError
from core.hooks import records_changed
from notices.planner import queue_after_commit, record_notices

from . import rota, selectors
from .models import DutyRota, DutyRotaMember, ReceptionDay, Station
from .notices import change_rows, publish_due_reception_days, reception_rows

logger = logging.getLogger(__name__)

RECEPTION_DAY = 28
CLOSED_STATUSES = (ReceptionDay.Status.HELD, ReceptionDay.Status.CANCELLED)


# --- reception days -------------------------------------------------------------------------------------------


@dataclass
class GenerateResult:
    scheduled_date: datetime.date
    created: int
    existing: int
    with_duty: int


def reception_days_generate(*, month: datetime.date) -> GenerateResult:
    """Every active station receives voters on the 28th of ``month``: create the missing days (the unique
    (station, scheduled_date) makes a second run, even a concurrent one, create nothing), and give every day
    of that month still planned, unpublished and without deputies on duty its deputies from the rota."""
    scheduled = month.replace(day=RECEPTION_DAY)
    Through = ReceptionDay.duty_deputies.through
    with transaction.atomic():
        station_ids = list(Station.objects.active().order_by("pk").values_list("pk", flat=True))
        before = ReceptionDay.objects.filter(scheduled_date=scheduled, station_id__in=station_ids).count()
        have = set(
            ReceptionDay.objects.filter(scheduled_date=scheduled, station_id__in=station_ids).values_list(
                "station_id", flat=True
            )
        )
        ReceptionDay.objects.bulk_create(
            [
                ReceptionDay(station_id=s, scheduled_date=scheduled, date=scheduled)
                for s in station_ids
                if s not in have
            ],
            ignore_conflicts=True,
        )
        days = list(
            ReceptionDay.objects.select_for_update(of=("self",))
            .filter(
                scheduled_date=scheduled,
                station_id__in=station_ids,
                status=ReceptionDay.Status.PLANNED,
                notice_published_at__isnull=True,
            )
            .filter(~Exists(Through.objects.filter(receptionday_id=OuterRef("pk"))))
            .order_by("station_id")
        )
        assigned = assign_duty(days=days)
        records_changed(station_ids=None)  # bulk writes send no model signal: the public pages must show them
        after = ReceptionDay.objects.filter(scheduled_date=scheduled, station_id__in=station_ids).count()
    return GenerateResult(scheduled_date=scheduled, created=after - before, existing=before, with_duty=assigned)


def assign_duty(*, days) -> int:
    """Put deputies on duty on ``days`` following the rota rule (``stations.rota``), a few queries per distinct
    date whatever the number of stations. Returns how many days got deputies."""
    Through = ReceptionDay.duty_deputies.through
    groups: dict[tuple[datetime.date, datetime.date], list[ReceptionDay]] = {}
    for day in days:
        groups.setdefault((day.scheduled_date, day.date), []).append(day)
    links, count = [], 0
    for (scheduled, on), group in sorted(groups.items()):
        station_ids = [d.station_id for d in group]
        pools = selectors.duty_candidates(station_ids=station_ids, on=on)
        histories = selectors.duty_history(station_ids=station_ids, before=scheduled)
        for day in group:
            pool, per_day = pools.get(day.station_id, ([], None))
            picked = rota.pick_duty(pool, history=histories.get(day.station_id, rota.History()), per_day=per_day)
            links += [Through(receptionday_id=day.pk, deputy_id=deputy_id) for deputy_id in picked]
            count += bool(picked)
    Through.objects.bulk_create(links, ignore_conflicts=True)
    return count


def _locked_open_day(day: ReceptionDay) -> ReceptionDay:
    locked = ReceptionDay.objects.select_for_update(of=("self",)).select_related("station").get(pk=day.pk)
    if locked.status in CLOSED_STATUSES or locked.date < timezone.localdate():
        raise ConflictError(
            _("This reception day is %(status)s and can no longer be changed.")
            % {"status": locked.get_status_display()},
            code="day_closed",
        )
    return locked


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the change: the public page shows it."), code="reason_required")
    if len(reason) > 300:
        raise DomainError(_("The reason is at most 300 characters."), code="reason_too_long")
    return reason


def _check_times(day: ReceptionDay) -> None:
    if day.end_time <= day.start_time:
        raise DomainError(_("The reception must end after it starts."), code="times")


def _announce_change(day: ReceptionDay) -> None:
    """A change to a published day: one change notice per recipient and channel (its own key per change)."""
    if day.notice_published_at is None:
        return
    rows = change_rows(day)
    queue_after_commit(record_notices(rows))


def reception_day_move(
    *,
    by,
    day: ReceptionDay,
    date: datetime.date,
    reason: str,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    place: str | None = None,
) -> ReceptionDay:
    """A reception day moves, with a reason the public sees, to a date that is neither in the past nor already a
    reception day of the station. Once its notice is published, everyone told gets one change notice; a day moved
    into the three-day window is published at once."""
    require(by, "reception_day.change", day.station_id)
    reason = _require_reason(reason)
    today = timezone.localdate()
    if date < today:
        raise DomainError(_("A reception day cannot move into the past."), code="date_in_past")
    with transaction.atomic():
        day = _locked_open_day(day)
        clash = ReceptionDay.objects.filter(station_id=day.station_id, date=date).exclude(pk=day.pk).first()
        if clash is not None:
            raise DomainError(
                _("The station already has a reception day on %(date)s.") % {"date": date.isoformat()},
                code="date_taken",
            )
        if date == day.date:
            raise DomainError(_("The reception day is already on that date."), code="unchanged")
        day.original_date = day.original_date or day.date
        day.date = date
        day.start_time = start_time or day.start_time
        day.end_time = end_time or day.end_time
        if place is not None:
            day.place = place.strip()
        _check_times(day)
        day.status = ReceptionDay.Status.MOVED
        day.change_reason = reason
        if day.notice_published_at is not None:
            day.change_count += 1
        day.save()
        _announce_change(day)
        if day.notice_published_at is None:
            publish_due_reception_days(today=today, day_ids=[day.pk])
    return day


def reception_day_cancel(*, by, day: ReceptionDay, reason: str) -> ReceptionDay:
    """A reception day is cancelled with a reason the public sees; once published, everyone told gets one change
    notice."""
    require(by, "reception_day.change", day.station_id)
    reason = _require_reason(reason)
    with transaction.atomic():
        day = _locked_open_day(day)
        day.original_date = day.original_date or day.date
        day.status = ReceptionDay.Status.CANCELLED
        day.change_reason = reason
        if day.notice_published_at is not None:
            day.change_count += 1
        day.save()
        _announce_change(day)
    return day


def reception_day_update(
    *,
    by,
    day: ReceptionDay,
    reason: str = "",
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    place: str | None = None,
    duty_deputy_ids: list[int] | None = None,
) -> ReceptionDay:
    """Change a day's hours, place or deputies on duty. Deputies on duty must be resident at the station on that
    day. After publication a new time or place needs a reason and sends one change notice; a deputy put on duty
    after publication gets the reception notice."""
    require(by, "reception_day.change", day.station_id)
    with transaction.atomic():
        day = _locked_open_day(day)
        changed = False
        for name, value in (("start_time", start_time), ("end_time", end_time), ("place", place)):
            if value is not None and value != getattr(day, name):
                setattr(day, name, value.strip() if isinstance(value, str) else value)
                changed = True
        _check_times(day)
        if changed and day.notice_published_at is not None:
            day.change_reason = _require_reason(reason)
            day.change_count += 1
        elif changed and reason:
            day.change_reason = _require_reason(reason)
        day.save()
        if duty_deputy_ids is not None:
            set_duty_deputies(day=day, deputy_ids=duty_deputy_ids)
        if changed:
            _announce_change(day)
        if duty_deputy_ids is not None and day.notice_published_at is not None:
            queue_after_commit(record_notices(reception_rows(day)))
    return day


def set_duty_deputies(*, day: ReceptionDay, deputy_ids: list[int]) -> None:
    """Deputies on duty are resident at the station on the day (at most five)."""
    ids = list(dict.fromkeys(int(i) for i in deputy_ids))
    if len(ids) > 5:
        raise DomainError(_("At most five deputies are on duty on one day."), code="too_many")
    residents = selectors.resident_deputy_ids(station_id=day.station_id, on=day.date)
    strangers = [i for i in ids if i not in residents]
    if strangers:
        raise DomainError(
            _("Only deputies resident at the station can be on duty."),
            code="not_resident",
            extra={"deputies": strangers},
        )
    day.duty_deputies.set(ids)


# --- the duty rota ----------------------------------------------------------------------------------------------


def duty_rota_update(*, by, station: Station, members: list[dict], deputies_per_day: int | None) -> DutyRota:
    """The station's rota: ``members`` in order (``{"deputy": id, "active": bool}``), all resident at the station
    today; residents left out still take part (leaving out is explicit: ``active: false``)."""
    require(by, "duty_rota.change", station)
    if deputies_per_day is not None and not 1 <= deputies_per_day <= 5:
        raise DomainError(_("Between one and five deputies a day."), code="per_day")
    ids = [int(m["deputy"]) for m in members]
    if len(ids) != len(set(ids)):
        raise DomainError(_("A deputy appears twice in the rota."), code="duplicate")
    residents = selectors.resident_deputy_ids(station_id=station.pk, on=timezone.localdate())
    strangers = [i for i in ids if i not in residents]
    if strangers:
        raise DomainError(
            _("Only deputies resident at the station can be in its rota."),
            code="not_resident",
            extra={"deputies": strangers},
        )
    with transaction.atomic():
        duty_rota, _created = DutyRota.objects.select_for_update().get_or_create(station=station)
        duty_rota.deputies_per_day = deputies_per_day
        duty_rota.updated_by = by
        duty_rota.save()
        duty_rota.members.all().delete()
        DutyRotaMember.objects.bulk_create(
            [
                DutyRotaMember(
                    rota=duty_rota, deputy_id=int(m["deputy"]), position=i, active=bool(m.get("active", True))
                )
                for i, m in enumerate(members)
            ]
        )
    return duty_rota


__all__ = [
    "assign_duty",
    "duty_rota_update",
    "reception_day_cancel",
    "reception_day_move",
    "reception_day_update",
    "reception_days_generate",
]
