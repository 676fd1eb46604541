"""The county dashboard's data: KPI cards, trends, drill-down, funnel, ranking and map — from the monthly
rollups and the small reference tables (stations, areas, mandates), in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deputies.models import Level
from stations.models import Area, Station
from suggestions.models import SuggestionCategory

from . import selectors
from .models import StationEvaluation, StationMonth

KPI_FIGURES = [
    ("people_received", gettext_lazy("People received")),
    ("people_visited", gettext_lazy("People visited by deputies")),
    ("opinions_received", gettext_lazy("Opinions received")),
    ("opinions_resolved", gettext_lazy("Opinions resolved")),
    ("practical_matters", gettext_lazy("Practical matters")),
    ("activities", gettext_lazy("Activities")),
    ("survey_participants", gettext_lazy("Survey participants")),
]
TREND_FIGURES = ["people_received", "people_visited", "opinions_received", "activities", "practical_matters"]
BREAKDOWN_FIGURES = [
    "people_received",
    "people_visited",
    "opinions_received",
    "opinions_resolved",
    "activities",
    "practical_matters",
]


@dataclass
class Filters:
    year: int
    month_from: int
    month_to: int
    area: str
    station: str
    kind: str

    @classmethod
    def from_query(cls, params) -> Filters:
        year = selectors.parse_year(params.get("year"))
        month_from, month_to = selectors.parse_month_range(params.get("month_from"), params.get("month_to"), year=year)
        return cls(
            year=year,
            month_from=month_from,
            month_to=month_to,
            area=params.get("area", "") or "",
            station=params.get("station", "") or "",
            kind=params.get("kind", "") or "",
        )

    def query(self, **changes) -> str:
        from urllib.parse import urlencode

        values = {
            "year": self.year,
            "month_from": self.month_from,
            "month_to": self.month_to,
            "area": self.area,
            "station": self.station,
            "kind": self.kind,
            **changes,
        }
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _change(now: int, before: int) -> float | None:
    return round(100 * (now - before) / before, 1) if before else None


def build(*, user, filters: Filters) -> dict:
    stations = selectors.dashboard_stations(user=user, area=filters.area, station=filters.station, kind=filters.kind)
    summary = selectors.summary(
        stations=stations, year=filters.year, month_from=filters.month_from, month_to=filters.month_to
    )
    last_year = selectors.figures(
        stations=stations, year=filters.year - 1, month_from=filters.month_from, month_to=filters.month_to
    )
    kpis = [
        {"key": key, "label": label, "value": summary[key], "change": _change(summary[key], last_year[key])}
        for key, label in KPI_FIGURES
    ]
    first = datetime.date(filters.year, filters.month_from, 1)
    last = datetime.date(filters.year, filters.month_to, 1)
    months = StationMonth.objects.filter(station__in=stations, month__gte=first, month__lte=last)

    trend_rows = {
        row["month"]: row
        for row in months.values("month").annotate(**{f: Sum(f) for f in TREND_FIGURES}).order_by("month")
    }
    labels = [datetime.date(filters.year, m, 1) for m in range(filters.month_from, filters.month_to + 1)]
    trend = {
        "labels": [f"{m:%Y-%m}" for m in labels],
        "series": {f: [(trend_rows.get(m) or {}).get(f) or 0 for m in labels] for f in TREND_FIGURES},
    }

    # Drill-down: county → streets; a street → its stations; a station → itself.
    drill_area = None
    if filters.area:
        drill_area = Area.objects.filter(pk=filters.area).values("kind", "name").first()
    by_station = filters.station or (drill_area and drill_area["kind"] not in ("county",))
    group = ("station__code", "station__name") if by_station else ("station__street_id", "station__street__name")
    breakdown = [
        {"key": row[group[0]], "name": row[group[1]], **{f: row[f] or 0 for f in BREAKDOWN_FIGURES}}
        for row in months.values(*group).annotate(**{f: Sum(f) for f in BREAKDOWN_FIGURES}).order_by(group[0])
    ]

    funnel_sums = months.aggregate(
        **{
            f: Sum(f)
            for f in (
                "opinions_received",
                "opinions_registered",
                "opinions_assigned",
                "opinions_answered",
                "opinions_closed",
                "opinions_resolved",
            )
        }
    )
    funnel = [
        {"stage": _("Received"), "value": funnel_sums["opinions_received"] or 0},
        {"stage": _("Registered"), "value": funnel_sums["opinions_registered"] or 0},
        {"stage": _("Assigned"), "value": funnel_sums["opinions_assigned"] or 0},
        {"stage": _("Answered"), "value": funnel_sums["opinions_answered"] or 0},
        {"stage": _("Closed"), "value": funnel_sums["opinions_closed"] or 0},
        {"stage": _("Resolved"), "value": funnel_sums["opinions_resolved"] or 0},
    ]

    from visits.models import Opinion

    overdue = list(
        Opinion.objects.for_user(user)
        .filter(station__in=stations)
        .overdue(today=timezone.localdate())
        .select_related("station", "unit")
        .order_by("due_date")[:15]
    )
    ranking = list(
        StationEvaluation.objects.filter(scheme__year=filters.year, station__in=stations)
        .select_related("station")
        .order_by("rank")[:20]
    )
    points = [
        {
            "code": s["code"],
            "name": s["name"],
            "street": s["street__name"],
            "value": [float(s["longitude"]), float(s["latitude"])],
        }
        for s in stations.filter(latitude__isnull=False, longitude__isnull=False).values(
            "code", "name", "street__name", "latitude", "longitude"
        )
    ]
    return {
        "filters": filters,
        "summary": summary,
        "kpis": kpis,
        "charts": {
            "trend": trend,
            "breakdown": breakdown,
            "by_station": bool(by_station),
            "levels": summary["deputies_by_level"],
            "suggestions": summary["suggestions_by_category"],
            "funnel": funnel,
            "map": points,
            # Labels in the page's language for the charts' legends and axes.
            "labels": {
                **{key: str(label) for key, label in KPI_FIGURES},
                **{level: str(label) for level, label in Level.choices},
                **{category: str(label) for category, label in SuggestionCategory.choices},
            },
        },
        "breakdown": breakdown,
        "by_station": bool(by_station),
        "overdue": overdue,
        "ranking": ranking,
        "stations_qs": stations,
        "streets": Area.objects.for_user(user).filter(kind__in=["street", "township"]).order_by("code"),
        "kinds": Station.Kind.choices,
    }
