"""Reads of stations and their staff, reception days, the duty rota, notices and the inbox."""

import datetime

from django.db.models import Prefetch
from django.utils import timezone

from .levels import LEVEL_ORDER
from .models import (
    DutyRota,
    DutyRotaMember,
    Membership,
    ReceptionDay,
    Station,
    StationStaff,
)
from .rota import WINDOW, Candidate, History, order_by_level


def with_current_staff(queryset):
    """Attach ``current_staff`` (head and officer with their users) in one extra query for the whole page."""
    return queryset.prefetch_related(
        Prefetch(
            "staff",
            queryset=StationStaff.objects.current().select_related("user").order_by("role"),
            to_attr="current_staff",
        )
    )


def station_public_list():
    return Station.objects.active().select_related("area", "street")


def station_staff_base():
    """Stations with what staff see; callers scope it with ``for_user``."""
    return with_current_staff(Station.objects.select_related("area", "street"))


# --- reception days and the duty rota -----------------------------------------------------------------------


def _duty_deputies_prefetch():
    """The deputies on duty by name, with their mandates by level. ``deputies`` sits above this app, so the
    models are the ones the relations declare, not imports."""
    Deputy = ReceptionDay._meta.get_field("duty_deputies").related_model
    Mandate = Deputy._meta.get_field("mandates").related_model
    return Prefetch(
        "duty_deputies",
        queryset=Deputy.objects.order_by("name", "pk").prefetch_related(
            Prefetch("mandates", queryset=Mandate.objects.order_by("level"))
        ),
    )


def with_duty_deputies(queryset):
    """Reception days with their station and deputies on duty (and the deputies' mandates): three queries a page."""
    return queryset.select_related("station").prefetch_related(_duty_deputies_prefetch())


def reception_day_public_list():
    """Reception days of active stations, as anyone may read them."""

    return with_duty_deputies(ReceptionDay.objects.filter(station__is_active=True))


def reception_day_staff_base():
    """Reception days with what staff see; callers scope it with ``for_user``."""

    return with_duty_deputies(ReceptionDay.objects.all())


def next_reception_day(*, station, today=None):
    """The station's next reception day (on or after ``today``, Asia/Shanghai), deputies on duty prefetched.

    It may be a cancelled day: until its date has passed the public must see that it is cancelled and why
    (``status``, ``change_reason``, ``original_date``); a moved day shows its new ``date``. ``None`` when none is
    planned yet."""

    today = today or timezone.localdate()
    return (
        with_duty_deputies(ReceptionDay.objects.filter(station=station, date__gte=today)).order_by("date", "pk").first()
    )


def calendar_reception_days(*, station, today=None, months_back: int = 12):
    """The station's reception days for its calendar feed: the past year and everything planned."""

    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=31 * months_back)
    return with_duty_deputies(ReceptionDay.objects.filter(station=station, date__gte=since)).order_by("date", "pk")


def resident_deputy_ids(*, station_id: int, on) -> set[int]:
    return set(Membership.objects.current(on=on).filter(station_id=station_id).values_list("deputy_id", flat=True))


def _highest_levels(deputy_ids) -> dict[int, str]:
    """{deputy id: the highest level of their mandates} in one query (deputies without a mandate are left out).
    It reads the mandates through the memberships' lookups: ``deputies`` sits above this app."""
    levels: dict[int, str] = {}
    rows = (
        Membership.objects.filter(deputy_id__in=list(deputy_ids), deputy__mandates__isnull=False)
        .order_by()
        .values_list("deputy_id", "deputy__mandates__level")
        .distinct()
    )
    for deputy_id, level in rows:
        if deputy_id not in levels or LEVEL_ORDER[level] < LEVEL_ORDER[levels[deputy_id]]:
            levels[deputy_id] = level
    return levels


def duty_candidates(*, station_ids, on):
    """Per station: (the rota's candidates in order, deputies per day or None) for a day on ``on``.

    Candidates are the deputies resident on that date, in the rota's order and then by date of joining, without
    those the rota leaves out; each with their highest level (for mixing levels). Three queries in all."""

    station_ids = list(station_ids)
    residents: dict[int, list[int]] = {}
    for station_id, deputy_id in (
        Membership.objects.current(on=on)
        .filter(station_id__in=station_ids)
        .order_by("since", "deputy_id")
        .values_list("station_id", "deputy_id")
    ):
        residents.setdefault(station_id, []).append(deputy_id)
    all_ids = {d for ids in residents.values() for d in ids}
    levels = _highest_levels(all_ids)
    rotas: dict[int, dict] = {}
    for station_id, per_day, deputy_id, active in (
        DutyRotaMember.objects.filter(rota__station_id__in=station_ids)
        .order_by("position", "pk")
        .values_list("rota__station_id", "rota__deputies_per_day", "deputy_id", "active")
    ):
        entry = rotas.setdefault(station_id, {"per_day": per_day, "order": [], "out": set()})
        if active:
            entry["order"].append(deputy_id)
        else:
            entry["out"].add(deputy_id)
    for station_id, per_day in DutyRota.objects.filter(station_id__in=station_ids).values_list(
        "station_id", "deputies_per_day"
    ):
        rotas.setdefault(station_id, {"per_day": per_day, "order": [], "out": set()})
    result = {}
    for station_id in station_ids:
        pool = residents.get(station_id, [])
        entry = rotas.get(station_id, {"per_day": None, "order": [], "out": set()})
        members = set(pool)
        ordered = [d for d in entry["order"] if d in members]
        listed = set(ordered) | entry["out"]
        ordered += [
            d
            for d, _level in order_by_level(
                [(d, levels.get(d, "")) for d in pool if d not in listed], level_rank=LEVEL_ORDER
            )
        ]
        candidates = [Candidate(deputy_id=d, level=levels.get(d, ""), position=i) for i, d in enumerate(ordered)]
        result[station_id] = (candidates, entry["per_day"])
    return result


def duty_history(*, station_ids, before):
    """Per station: the rota's ``History`` from its last non-cancelled reception days before ``before``."""

    days = {
        pk: (station_id, scheduled)
        for pk, station_id, scheduled in ReceptionDay.objects.filter(
            station_id__in=list(station_ids),
            scheduled_date__lt=before,
            scheduled_date__gte=before - datetime.timedelta(days=31 * (WINDOW + 1)),
        )
        .exclude(status=ReceptionDay.Status.CANCELLED)
        .values_list("pk", "station_id", "scheduled_date")
    }
    duty: dict[int, list[int]] = {pk: [] for pk in days}
    Through = ReceptionDay.duty_deputies.through
    for day_id, deputy_id in Through.objects.filter(receptionday_id__in=list(days)).values_list(
        "receptionday_id", "deputy_id"
    ):
        duty[day_id].append(deputy_id)
    per_station: dict[int, list] = {}
    for pk, (station_id, scheduled) in days.items():
        per_station.setdefault(station_id, []).append((scheduled, duty[pk]))
    return {station_id: History.from_days(per_station.get(station_id, [])) for station_id in station_ids}


def duty_rota_for(*, station, on=None) -> dict:
    """The station's effective rota: members in the rota's order, then residents it does not list (taking part);
    members no longer resident are left out. Four queries."""
    on = on or timezone.localdate()
    residents = list(
        Membership.objects.current(on=on)
        .filter(station=station)
        .order_by("since", "deputy_id")
        .values_list("deputy_id", "deputy__name")
    )
    names = dict(residents)
    levels = _highest_levels(names)
    duty_rota = DutyRota.objects.filter(station=station).first()
    listed = []
    if duty_rota is not None:
        listed = [
            (deputy_id, active)
            for deputy_id, active in duty_rota.members.order_by("position", "pk").values_list("deputy_id", "active")
            if deputy_id in names
        ]
    seen = {deputy_id for deputy_id, _active in listed}
    unlisted = [(d, levels.get(d, "")) for d, _name in residents if d not in seen]
    listed += [(d, True) for d, _level in order_by_level(unlisted, level_rank=LEVEL_ORDER)]
    return {
        "station": station.code,
        "deputies_per_day": duty_rota.deputies_per_day if duty_rota else None,
        "members": [
            {"deputy": d, "name": names[d], "level": levels.get(d, ""), "active": active} for d, active in listed
        ],
    }
