"""Reads of the visits app. Staff reads start from ``for_user``; public reads expose no personal data."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Prefetch, Q, Sum
from django.utils import timezone

from stations.models import ReceptionDay, Station, StationStaff

from .codes import TRACKING_CODE_RE, normalise_tracking_code
from .models import OPEN_STATUSES, Opinion, OpinionEvent, Outreach, PracticalMatter, VisitLog

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
            open_opinions=Count("opinions", filter=Q(opinions__status__in=OPEN_STATUSES), distinct=True),
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
