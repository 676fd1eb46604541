"""Reads of activities and yearly activity plans."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch
from django.db.models.functions import Coalesce

from deputies.models import Deputy
from stations.models import Station

from .models import Activity, ActivityPhoto, ActivityPlan, ActivityPlanItem


def activity_list_base():
    """Activities with station, deputies and photos: two extra queries per page, whatever its size."""
    return Activity.objects.select_related("station").prefetch_related(
        Prefetch("deputies", queryset=Deputy.objects.only("id", "name").order_by("id")),
        Prefetch("photos", queryset=ActivityPhoto.objects.order_by("id")),
    )


def activity_public_list():
    return activity_list_base().filter(station__is_active=True)


def plan_items_in_order():
    """Plan items in calendar order: by quarter (a month's quarter for monthly items), the quarter's general
    items first, then by month."""
    quarter = Coalesce("quarter", (F("month") + 2) / 3, output_field=IntegerField())
    return ActivityPlanItem.objects.order_by(quarter, F("month").asc(nulls_first=True), "id")


def activity_plan_public(*, station: Station, year: int) -> ActivityPlan | None:
    """The station's published plan of ``year`` with its items (two queries), or None."""
    return (
        ActivityPlan.objects.filter(station=station, year=year, published_at__isnull=False)
        .prefetch_related(Prefetch("items", queryset=plan_items_in_order()))
        .first()
    )


def recent_activities_public(*, station: Station, limit: int = 10):
    return list(activity_public_list().filter(station=station).order_by("-date", "-id")[:limit])


def stations_without_activity(*, start: datetime.date, end: datetime.date):
    """Active stations that held no activity between ``start`` and ``end`` (inclusive)."""
    held = Activity.objects.filter(station=OuterRef("pk"), date__gte=start, date__lte=end)
    return Station.objects.active().filter(~Exists(held))


def quarter_of(day: datetime.date) -> tuple[int, datetime.date, datetime.date]:
    """(quarter number, first day, last day) of the quarter ``day`` lies in."""
    q = (day.month - 1) // 3 + 1
    first = datetime.date(day.year, 3 * q - 2, 1)
    last = datetime.date(day.year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - datetime.timedelta(days=1)
    return q, first, last


def quarterly_activity_counts(*, station_ids, year: int) -> dict[int, list[int]]:
    """{station id: [activities in Q1, Q2, Q3, Q4]} of ``year`` in one query."""
    out = {station_id: [0, 0, 0, 0] for station_id in station_ids}
    rows = (
        Activity.objects.filter(station_id__in=list(out), date__year=year)
        .order_by()
        .values_list("station_id", "date__month")
        .annotate(n=Count("pk"))
    )
    for station_id, month, n in rows:
        out[station_id][(month - 1) // 3] += n
    return out
