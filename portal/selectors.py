"""Reads of the public portal: the station directory and a station's page. Public data only.

The station page makes three SQL queries whatever the station holds (pinned in tests/test_portal_pages.py):

1. the station, with everything that is one value or a short list per station folded in as correlated
   subqueries: head and officer, this year's figures, the open survey's link, the published activity plan's
   items and the recent activities (those two as JSON arrays, built by ``JSONRows`` on SQLite and PostgreSQL
   alike);
2. the deputies resident at the station, each with one ``EXISTS`` per mandate level (the levels "aggregated"
   without a string aggregate, which SQLite and PostgreSQL spell differently);
3. the next reception days (the next one and, if that is cancelled, the one after) joined to their duty
   deputies, one row per deputy.

``stations.selectors.next_reception_day`` states the same rule for one day but prefetches the duty deputies and
their mandates (three queries of its own), so the page keeps its own single-query version: the first days on or
after today that are not yet held, a cancelled or moved one included with its reason.

Separate prefetches would be simpler but cost a query per section (eight or more); whole-page caching on top
(stations/cache.py) makes most requests cost none.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, JSONObject
from django.http import Http404

from activities.models import Activity, ActivityKind, ActivityPlan, ActivityPlanItem
from deputies.models import LEVEL_ORDER, Deputy, Level, Mandate
from stations.models import Membership, ReceptionDay, Station, StationStaff
from surveys.models import Survey
from visits.models import Opinion, OpinionStatus, VisitLog

UPCOMING_STATUSES = (ReceptionDay.Status.PLANNED, ReceptionDay.Status.PUBLISHED, ReceptionDay.Status.MOVED)
RECENT_ACTIVITIES = 5


class JSONRows(Subquery):
    """The rows of a correlated subquery selecting one JSON object (``.values(obj=JSONObject(...))``), as one
    JSON array, in the subquery's order; ``[]`` when there is none."""

    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra):
        template = "(SELECT COALESCE(json_group_array(json(_rows.obj)), '[]') FROM (%(subquery)s) _rows)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "(SELECT COALESCE(jsonb_agg(_rows.obj), '[]'::jsonb) FROM (%(subquery)s) _rows)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _count(queryset, aggregate=None):
    """A correlated scalar subquery: ``aggregate`` (default: the number of rows) of ``queryset``, 0 if empty."""
    value = queryset.order_by().values("station").annotate(n=aggregate or Count("pk")).values("n")[:1]
    return Coalesce(Subquery(value, output_field=IntegerField()), 0)


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz)


# --- the directory ----------------------------------------------------------------------------------------------


@dataclass
class DirectoryFilters:
    q: str = ""
    street_id: int | None = None
    kind: str = ""

    @property
    def active(self) -> bool:
        return bool(self.q or self.street_id or self.kind)

    def as_q(self) -> Q:
        condition = Q()
        if self.q:
            condition &= (
                Q(name__icontains=self.q)
                | Q(address__icontains=self.q)
                | Q(street__name__icontains=self.q)
                | Q(street__name_en__icontains=self.q)
            )
        if self.street_id:
            condition &= Q(street_id=self.street_id)
        if self.kind:
            condition &= Q(kind=self.kind)
        return condition


def next_day_queryset(*, today: datetime.date):
    """Reception days still to come that will take place (moved ones on their new date), soonest first."""
    return ReceptionDay.objects.filter(date__gte=today, status__in=UPCOMING_STATUSES).order_by("date")


def directory_stations(*, filters: DirectoryFilters, today: datetime.date) -> list[Station]:
    """Every active station (one query) with ``next_date`` and ``matches`` (whether it fits the filters): the
    map and "nearest to me" use all of them, the list only the matching ones."""
    upcoming = next_day_queryset(today=today).filter(station=OuterRef("pk"))
    matches = ExpressionWrapper(filters.as_q(), output_field=BooleanField()) if filters.active else Value(True)
    return list(
        Station.objects.active()
        .select_related("street")
        .annotate(next_date=Subquery(upcoming.values("date")[:1]), matches=matches)
        .only("code", "name", "kind", "address", "latitude", "longitude", "street__name", "street__name_en")
        .order_by("code")
    )


# --- a station's page -------------------------------------------------------------------------------------------


@dataclass
class DayInfo:
    """One reception day as the public sees it."""

    date: datetime.date
    scheduled_date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    place: str
    status: str
    original_date: datetime.date | None
    change_reason: str
    notice_published_at: datetime.datetime | None
    duty_deputies: list[str] = field(default_factory=list)

    @property
    def is_cancelled(self) -> bool:
        return self.status == ReceptionDay.Status.CANCELLED

    @property
    def is_moved(self) -> bool:
        return self.status == ReceptionDay.Status.MOVED or (
            self.original_date is not None and self.original_date != self.date
        )

    @property
    def is_announced(self) -> bool:
        """The notice (with the deputies on duty) is out: published, or the day has been changed publicly."""
        return self.notice_published_at is not None or self.status == ReceptionDay.Status.PUBLISHED

    @property
    def announce_by(self) -> datetime.date:
        return self.date - datetime.timedelta(days=3)

    def status_label(self) -> str:
        return ReceptionDay.Status(self.status).label


@dataclass
class StationPage:
    station: Station
    deputies: list[Deputy]
    days: list[DayInfo]
    year: int
    plan_title: str = ""
    plan_items: list[dict] = field(default_factory=list)
    recent_activities: list[dict] = field(default_factory=list)
    figures: dict[str, int] = field(default_factory=dict)

    @property
    def next_day(self) -> DayInfo | None:
        return self.days[0] if self.days else None

    @property
    def following_day(self) -> DayInfo | None:
        """The day after a cancelled next day, so the page still says when to come."""
        if self.next_day and self.next_day.is_cancelled:
            return next((d for d in self.days[1:] if not d.is_cancelled), None)
        return None


def _station_query(*, code: str, today: datetime.date):
    """Query 1: the station and every one-value-per-station section."""

    def staff_name(role):
        post = (
            StationStaff.objects.current(on=today)
            .filter(station=OuterRef("pk"), role=role)
            .order_by("-since")
            .values(full=Concat("user__last_name", "user__first_name"))[:1]
        )
        return Subquery(post)

    annotations = {
        "head_name": staff_name(StationStaff.Role.HEAD),
        "officer_name": staff_name(StationStaff.Role.OFFICER),
    }
    year = today.year
    start, end = _year_bounds(year)
    visits = VisitLog.objects.filter(station=OuterRef("pk"), date__year=year)
    annotations["people_received"] = _count(visits, Sum("people_count"))
    opinions = Opinion.objects.filter(station=OuterRef("pk"), received_at__gte=start, received_at__lt=end)
    annotations["opinions_received"] = _count(opinions)
    annotations["opinions_resolved"] = _count(opinions.filter(status=OpinionStatus.CLOSED, resolved=True))
    annotations["activities_held"] = _count(
        Activity.objects.filter(station=OuterRef("pk"), date__year=year, date__lte=today)
    )
    recent = (
        Activity.objects.filter(station=OuterRef("pk"), date__lte=today)
        .order_by("-date", "-id")
        .values(obj=JSONObject(date="date", kind="kind", title="title"))[:RECENT_ACTIVITIES]
    )
    annotations["recent_json"] = JSONRows(recent)
    plan = ActivityPlan.objects.filter(station=OuterRef("pk"), year=year, published_at__isnull=False)
    annotations["plan_title"] = Subquery(plan.order_by().values("title")[:1])
    items = (
        ActivityPlanItem.objects.filter(plan__station=OuterRef("pk"), plan__year=year, plan__published_at__isnull=False)
        .annotate(period=Coalesce(F("month"), F("quarter") * 3 - 2))  # a quarter sorts with its first month
        .order_by("period", "id")
        .values(obj=JSONObject(month="month", quarter="quarter", kind="kind", title="title"))
    )
    annotations["plan_json"] = JSONRows(items)
    # the year-end satisfaction survey, while it is open
    open_survey = Survey.objects.filter(station=OuterRef("pk"), opens_on__lte=today, closes_on__gte=today)
    annotations["survey_token"] = Subquery(open_survey.order_by("-opens_on").values("token")[:1])
    station = Station.objects.active().select_related("street").filter(code=code).annotate(**annotations).first()
    if station is None:
        raise Http404("No such station")
    return station


def _deputies_query(*, code: str, today: datetime.date) -> list[Deputy]:
    """Query 2: the resident deputies, each with ``level_list`` (current mandates, highest level first)."""
    resident = Membership.objects.current(on=today).filter(deputy=OuterRef("pk"), station__code=code)
    mandates = Mandate.objects.filter(deputy=OuterRef("pk")).filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
    deputies = list(
        Deputy.objects.filter(Exists(resident))
        .annotate(**{f"has_{level}": Exists(mandates.filter(level=level)) for level in Level.values})
        .only("name", "gender", "photo", "occupation", "public_contact")
        .order_by("id")
    )
    for deputy in deputies:
        deputy.level_list = [Level(level) for level in Level.values if getattr(deputy, f"has_{level}")]
    deputies.sort(key=lambda d: (min((LEVEL_ORDER[lv] for lv in d.level_list), default=99), d.pk))
    return deputies


def _days_query(*, code: str, today: datetime.date) -> list[DayInfo]:
    """Query 3: the next reception days (two, so a cancelled one is followed by the next) with duty deputies."""
    upcoming = (
        ReceptionDay.objects.filter(station__code=code, date__gte=today)
        .exclude(status=ReceptionDay.Status.HELD)
        .order_by("date")
        .values("pk")[:2]
    )
    rows = (
        ReceptionDay.objects.filter(pk__in=Subquery(upcoming))
        .order_by("date", "duty_deputies__id")
        .values(
            "pk",
            "date",
            "scheduled_date",
            "start_time",
            "end_time",
            "place",
            "status",
            "original_date",
            "change_reason",
            "notice_published_at",
            "duty_deputies__name",
        )
    )
    days: dict[int, DayInfo] = {}
    for row in rows:
        name = row.pop("duty_deputies__name")
        day = days.setdefault(row.pop("pk"), DayInfo(**row))
        if name:
            day.duty_deputies.append(name)
    return list(days.values())


def _kind_labels() -> dict[str, str]:
    return dict(ActivityKind.choices)


def station_page(*, code: str, today: datetime.date) -> StationPage:
    """Everything a station's public page shows, in three queries; 404 for an unknown or inactive station."""
    station = _station_query(code=code, today=today)
    kinds = _kind_labels()
    recent = [
        {**a, "date": datetime.date.fromisoformat(a["date"]), "kind_label": kinds.get(a["kind"], a["kind"])}
        for a in station.recent_json or []
    ]
    plan_items = [{**i, "kind_label": kinds.get(i["kind"], i["kind"])} for i in station.plan_json or []]
    figures = {
        name: getattr(station, name)
        for name in ("people_received", "opinions_received", "opinions_resolved", "activities_held")
    }
    return StationPage(
        station=station,
        deputies=_deputies_query(code=code, today=today),
        days=_days_query(code=code, today=today),
        year=today.year,
        plan_title=station.plan_title or "",
        plan_items=plan_items,
        recent_activities=recent,
        figures=figures,
    )


def sitemap_stations():
    return Station.objects.active().order_by("code").values("code", "updated_at")
