"""Reads for the dashboard: figures come only from the monthly rollups plus the small reference tables."""

from __future__ import annotations

import datetime

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import has_permission
from core.errors import Invalid, NotPermitted, OutOfScope
from deputies.models import Level, Mandate
from stations.models import Area, Membership, Station

from .models import StationMonth

FIRST_YEAR = 2000


def parse_year(value, *, field: str = "year") -> int:
    """A year between 2000 and next year; anything else is a 400 naming the field."""
    today = timezone.localdate()
    if value in (None, ""):
        return today.year
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise Invalid({field: [_("Enter a year such as 2025.")]}) from None
    if not FIRST_YEAR <= year <= today.year + 1:
        raise Invalid({field: [_("No data for %(year)s.") % {"year": year}]})
    return year


def parse_month_range(start, end, *, year: int) -> tuple[int, int]:
    def month(value, default, field):
        if value in (None, ""):
            return default
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise Invalid({field: [_("Enter a month from 1 to 12.")]}) from None
        if not 1 <= number <= 12:
            raise Invalid({field: [_("Enter a month from 1 to 12.")]})
        return number

    first, last = month(start, 1, "month_from"), month(end, 12, "month_to")
    if first > last:
        raise Invalid({"month_to": [_("The last month is before the first.")]})
    return first, last


def dashboard_stations(*, user, area=None, station=None, kind=None):
    """The stations a dashboard covers: the user's scope, narrowed to an area subtree or one station.

    Station staff get their own station (an area filter needs dashboard.by_area: else 403); anything outside the
    scope is 404.
    """
    if not has_permission(user, "dashboard.view"):
        raise NotPermitted(_("The dashboard is for station and NPC staff."))
    stations = Station.objects.for_user(user)
    if area not in (None, ""):
        if not has_permission(user, "dashboard.by_area"):
            raise NotPermitted(_("Station staff see their own station only."))
        try:
            area_obj = Area.objects.for_user(user).get(pk=int(area))
        except (ValueError, TypeError):
            raise Invalid({"area": [_("Enter an area id.")]}) from None
        except Area.DoesNotExist:
            raise OutOfScope(_("No such area in your scope.")) from None
        stations = stations.filter(area__path__startswith=area_obj.path)
    if station not in (None, ""):
        stations = stations.filter(code=station)
        if not stations.exists():
            raise OutOfScope(_("No such station in your scope."))
    if kind not in (None, ""):
        if kind not in Station.Kind.values:
            raise Invalid({"kind": [_("Unknown station kind.")]})
        stations = stations.filter(kind=kind)
    return stations


def deputies_by_level(*, stations, on: datetime.date) -> dict[str, int]:
    """Resident deputies of the stations on a date, by level (a deputy with two mandates counts in both)."""
    residents = Membership.objects.current(on=on).filter(station__in=stations).values("deputy_id")
    counts = dict(
        Mandate.objects.filter(deputy_id__in=residents)
        .values_list("level")
        .annotate(n=Count("deputy_id", distinct=True))
        .values_list("level", "n")
    )
    return {level: counts.get(level, 0) for level in Level.values}


def figures(*, stations, year: int, month_from: int = 1, month_to: int = 12) -> dict[str, int]:
    first, last = datetime.date(year, month_from, 1), datetime.date(year, month_to, 1)
    sums = StationMonth.objects.filter(station__in=stations, month__gte=first, month__lte=last).aggregate(
        **{name: Sum(name) for name in StationMonth.FIGURES}
    )
    return {name: sums[name] or 0 for name in StationMonth.FIGURES}


def summary(*, stations, year: int, month_from: int = 1, month_to: int = 12) -> dict:
    """The contract's dashboard keys, from rollups plus the station and mandate tables (3 queries)."""
    today = timezone.localdate()
    on = min(datetime.date(year, 12, 31), today)
    f = figures(stations=stations, year=year, month_from=month_from, month_to=month_to)
    return {
        "year": year,
        "stations": stations.filter(is_active=True).count(),
        "deputies_by_level": deputies_by_level(stations=stations, on=on),
        "people_received": f["people_received"],
        "people_visited": f["people_visited"],
        "opinions_received": f["opinions_received"],
        "opinions_resolved": f["opinions_resolved"],
        "practical_matters": f["practical_matters"],
        "activities": f["activities"],
        "suggestions_by_category": {
            "development": f["suggestions_development"],
            "livelihood": f["suggestions_livelihood"],
            "rural": f["suggestions_rural"],
        },
        "survey_participants": f["survey_participants"],
        "satisfaction_rate": round(100 * f["survey_satisfied_answers"] / f["survey_answers"], 1)
        if f["survey_answers"]
        else 0.0,
    }
