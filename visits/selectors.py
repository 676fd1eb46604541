"""Reads of the visits app. Staff reads start from ``for_user``; public reads expose no personal data."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Prefetch, Q, Sum
from django.utils import timezone

from core.access import scope_for
from stations.models import Area, ReceptionDay, Station, StationStaff

from .codes import TRACKING_CODE_RE, normalise_tracking_code
from .models import OPEN_STATUSES, Opinion, OpinionEvent, Outreach, PracticalMatter, ResponsibleUnit, VisitLog

PUBLIC_ACTIONS = ("receive", "register", "assign", "start", "answer", "rate", "close", "reject", "reopen")


def visit_log_list(*, user):
    return (
        VisitLog.objects.for_user(user)
        .select_related("station", "reception_day")
        .prefetch_related("deputies", Prefetch("opinions", queryset=Opinion.objects.only("id", "visit_log_id")))
    )


def outreach_list(*, user):
    return Outreach.objects.for_user(user).select_related("station", "deputy")


def practical_matter_list(*, user):
    return PracticalMatter.objects.for_user(user).select_related("station", "source_opinion")


def opinion_list(*, user, today: datetime.date | None = None):
    return Opinion.objects.for_user(user).with_deadline(today=today).select_related("station", "unit", "deputy")


def opinion_detail(*, user):
    events = OpinionEvent.objects.select_related("actor").order_by("at", "id")
    return opinion_list(user=user).prefetch_related(Prefetch("events", queryset=events))


def opinion_queue(*, user, station: Station, today: datetime.date | None = None):
    """A station's open opinions, the most urgent deadline first (those waiting for no deadline last)."""
    return (
        opinion_list(user=user, today=today)
        .filter(station=station, status__in=OPEN_STATUSES)
        .order_by(F("due_date").asc(nulls_last=True), "received_at", "id")
    )


def desk_stations(*, user):
    """Stations a desk user may pick, with the counts the picker shows (one query)."""
    today = timezone.localdate()
    overdue = Opinion.objects.overdue(today=today).values("pk")
    return (
        Station.objects.for_user(user)
        .select_related("street")
        .annotate(
            open_opinions=Count(
                "opinions",
                filter=Q(opinions__status__in=OPEN_STATUSES, opinions__voided_at__isnull=True),
                distinct=True,
            ),
            overdue_opinions=Count("opinions", filter=Q(opinions__in=overdue), distinct=True),
        )
        .order_by("code")
    )


def reception_day_for_desk(*, station: Station, today: datetime.date | None = None):
    """Today's reception day if there is one, else the most recent held or the next one."""
    today = today or timezone.localdate()
    days = ReceptionDay.objects.filter(station=station).exclude(status="cancelled")
    return (
        days.filter(date=today).first()
        or days.filter(date__gte=today).order_by("date").first()
        or days.filter(date__lt=today).order_by("-date").first()
    )


def station_year_figures(*, station: Station, year: int) -> dict:
    """The ledger figures of one station and year (the desk's header)."""
    return {
        "people_received": VisitLog.objects.filter(station=station, date__year=year).aggregate(n=Sum("people_count"))[
            "n"
        ]
        or 0,
        "people_visited": Outreach.objects.filter(station=station, date__year=year).aggregate(n=Sum("people_count"))[
            "n"
        ]
        or 0,
        "opinions": Opinion.objects.filter(station=station, received_at__year=year).count(),
        "practical_matters": PracticalMatter.objects.filter(station=station, date__year=year).count(),
    }


def opinion_by_tracking_code(code: str) -> Opinion | None:
    """The public view of an opinion: found only by its full tracking code."""
    code = normalise_tracking_code(code)
    if not TRACKING_CODE_RE.match(code):
        return None
    events = OpinionEvent.objects.filter(action__in=PUBLIC_ACTIONS).only(
        "opinion_id", "at", "action", "from_status", "to_status", "note"
    )
    return (
        Opinion.objects.select_related("station", "unit")
        .prefetch_related(Prefetch("events", queryset=events.order_by("at", "id")))
        .filter(tracking_code=code)
        .first()
    )


def station_staff_user_ids(*, station_ids, on: datetime.date) -> dict[int, list[int]]:
    """Current head and officer user ids per station."""
    out: dict[int, list[int]] = {}
    rows = StationStaff.objects.current(on=on).filter(station_id__in=station_ids, user__is_active=True)
    for station_id, user_id in rows.order_by("role").values_list("station_id", "user_id"):
        out.setdefault(station_id, []).append(user_id)
    return out


# ---------------------------------------------------------------------------------------------------------
# The staff work list of opinions (/desk/opinions/) and the responsible units of the user's county


def opinion_worklist(*, user, today: datetime.date | None = None):
    """Every opinion of the user's scope, open, closed and rejected, for the work list: its station, street and
    unit in the same query, annotated with the current deadline (``due_date``) and ``overdue``. The caller
    filters, sorts and pages it (a fixed number of queries whatever the page size)."""
    return (
        Opinion.objects.for_user(user)
        .with_deadline(today=today)
        .select_related("station", "station__street", "unit")
        .defer("answer", "rating_key_hash")
    )


def search_opinions(queryset, text: str):
    """Opinions whose tracking code is ``text`` (any case, spaces or dashes; a part of a code matches too)
    or whose content contains it."""
    text = (text or "").strip()
    if not text:
        return queryset
    code = normalise_tracking_code(text)
    by_code = Q(tracking_code=code) | Q(tracking_code__icontains=text.upper()) if len(text) >= 4 else Q(pk__in=[])
    return queryset.filter(by_code | Q(content__icontains=text))


COUNTIES_CACHE_ATTR = "_liaison_counties"  # computed once per request user object, like the scope


def user_counties(*, user) -> list[Area] | None:
    """The county-level areas a user works in: the county of the area they serve (or every county under it),
    the counties of the stations they staff or are resident in; None for administrators (every county)."""
    scope = scope_for(user)
    if scope.everything:
        return None
    if scope.nothing:
        return []
    cached = getattr(user, COUNTIES_CACHE_ATTR, None)
    if cached is None:
        cached = _user_counties(user, scope)
        setattr(user, COUNTIES_CACHE_ATTR, cached)
    return list(cached)


def _user_counties(user, scope) -> list[Area]:
    counties = Area.objects.filter(kind=Area.Kind.COUNTY)
    area_path = None
    if getattr(user, "area_id", None):
        area_path = Area.objects.filter(pk=user.area_id).values_list("path", flat=True).first()
    if area_path:
        ancestors = _path_prefixes([area_path])
        return list(counties.filter(Q(path__in=ancestors) | Q(path__startswith=area_path)).order_by("path"))
    paths = [p for p in scope.stations().values_list("area__path", flat=True) if p]
    return list(counties.filter(path__in=_path_prefixes(paths)).order_by("path"))


def _path_prefixes(paths) -> set[str]:
    """``/430104/430104001/`` → ``/430104/`` and ``/430104/430104001/``."""
    return {p[: i + 1] for p in paths for i, ch in enumerate(p) if ch == "/" and i}


def responsible_units(*, user, counties: list[Area] | None = None, active: bool | None = True):
    """The responsible units of the user's county(ies): units of an area inside them and county-level units
    without an area; every unit for administrators. ``active=None`` includes deactivated units. Each unit
    carries ``area_path`` (for ``county_of_unit``)."""
    if counties is None and not scope_for(user).everything:
        counties = user_counties(user=user)
    units = ResponsibleUnit.objects.annotate(area_path=F("area__path"))
    if counties is not None:
        inside = Q(area__isnull=True)
        for county in counties:
            inside |= Q(area__path__startswith=county.path)
        units = units.filter(inside) if counties else units.none()
    if active is not None:
        units = units.filter(is_active=active)
    return units.order_by("sort_order", "name")


def county_of_unit(unit, counties: list[Area], *, default: int | None = None) -> int | None:
    """The id of the county a unit belongs to: the county whose subtree holds the unit's area; for a unit
    without an area (a county department), ``default`` (the county of the user's scope when there is one)."""
    path = getattr(unit, "area_path", None)
    if path is None and unit.area_id:
        path = unit.area.path
    if not path:
        return default
    for county in counties:
        if path.startswith(county.path):
            return county.pk
    return None
