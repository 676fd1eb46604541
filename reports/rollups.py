"""Monthly figures per station (``StationMonth``), kept current when records change and rebuilt on demand.

Each figure is one grouped query over its source records (``SOURCES``). A write to a source record marks its
(station, month) dirty; after the transaction commits the dirty station-months are recomputed from the records
— so a rollup is always a recomputation, never an increment that could drift. ``rebuild()`` recomputes all.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import StationMonth

SHANGHAI = ZoneInfo("Asia/Shanghai")
Key = tuple[int, datetime.date]  # (station id, first day of month)


@dataclass(frozen=True)
class Source:
    """A figure: which model, its path to the station, the date that puts a record in a month, what to add up.

    With ``yearly`` the date is a year: the figure counts in December of that year (a survey belongs to its
    year, whenever its paper ballots were typed in).
    """

    figure: str
    model: str
    station: str
    date: str
    value: object  # an aggregate expression
    where: Q = field(default_factory=Q)
    yearly: bool = False


SATISFIED = ["very_satisfied", "satisfied"]

SOURCES = [
    Source("people_received", "visits.VisitLog", "station_id", "date", Sum("people_count")),
    Source("visit_logs", "visits.VisitLog", "station_id", "date", Count("pk")),
    Source("people_visited", "visits.Outreach", "station_id", "date", Sum("people_count")),
    Source("opinions_received", "visits.Opinion", "station_id", "received_at", Count("pk")),
    Source("opinions_resolved", "visits.Opinion", "station_id", "received_at", Count("pk"),
           Q(status="closed", resolved=True)),
    Source("opinions_registered", "visits.Opinion", "station_id", "received_at", Count("pk"),
           Q(registered_at__isnull=False)),
    Source("opinions_assigned", "visits.Opinion", "station_id", "received_at", Count("pk"),
           Q(assigned_at__isnull=False)),
    Source("opinions_answered", "visits.Opinion", "station_id", "received_at", Count("pk"),
           Q(answered_at__isnull=False)),
    Source("opinions_closed", "visits.Opinion", "station_id", "received_at", Count("pk"), Q(status="closed")),
    Source("practical_matters", "visits.PracticalMatter", "station_id", "date", Count("pk")),
    Source("activities", "activities.Activity", "station_id", "date", Count("pk")),
    Source("suggestions_development", "suggestions.Suggestion", "station_id", "filed_on", Count("pk"),
           Q(category="development")),
    Source("suggestions_livelihood", "suggestions.Suggestion", "station_id", "filed_on", Count("pk"),
           Q(category="livelihood")),
    Source("suggestions_rural", "suggestions.Suggestion", "station_id", "filed_on", Count("pk"), Q(category="rural")),
    Source("survey_participants", "surveys.SurveyResponse", "survey__station_id", "survey__year", Count("pk"),
           yearly=True),
    Source("survey_answers", "surveys.SurveyAnswer", "response__survey__station_id", "response__survey__year",
           Count("pk"), yearly=True),
    Source("survey_satisfied_answers", "surveys.SurveyAnswer", "response__survey__station_id",
           "response__survey__year", Count("pk"), Q(rating__in=SATISFIED), yearly=True),
    Source("reception_days_held", "stations.ReceptionDay", "station_id", "date", Count("pk"),
           Q(status__in=["held", "moved"])),
]  # fmt: skip


def month_of(value) -> datetime.date:
    if isinstance(value, int):  # a year: December of it
        return datetime.date(value, 12, 1)
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _bound(model, path: str, day: datetime.date):
    """A month boundary for a date field, or midnight in Asia/Shanghai for a date-time field."""
    if "__" not in path and isinstance(model._meta.get_field(path), models.DateTimeField):
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=SHANGHAI)
    return day


def _source_rows(source: Source, stations, first, last):
    model = apps.get_model(source.model)
    qs = model._default_manager.filter(source.where)  # live records: a voided one counts nowhere
    if stations is not None:
        qs = qs.filter(**{f"{source.station}__in": stations})
        if source.yearly:  # filtered by year
            qs = qs.filter(**{f"{source.date}__gte": first.year, f"{source.date}__lte": last.year})
        else:
            start, end = _bound(model, source.date, first), _bound(model, source.date, next_month(last))
            qs = qs.filter(**{f"{source.date}__gte": start, f"{source.date}__lt": end})
    month = F(source.date) if source.yearly else TruncMonth(source.date)
    return (
        qs.annotate(_station=F(source.station), _month=month)
        .values("_station", "_month")
        .annotate(_value=source.value)
        .values_list("_station", "_month", "_value")
    )


def _notice_rows(stations, first, last):
    """Held reception days whose notice was published by 09:00 three days before (Asia/Shanghai)."""
    from stations.models import ReceptionDay

    qs = ReceptionDay.objects.filter(status__in=["held", "moved"], notice_published_at__isnull=False)
    if stations is not None:
        qs = qs.filter(station_id__in=stations, date__gte=first, date__lt=next_month(last))
    counts: dict[Key, int] = defaultdict(int)
    for station_id, day, published in qs.values_list("station_id", "date", "notice_published_at"):
        if published <= notice_deadline(day):
            counts[(station_id, day.replace(day=1))] += 1
    return [(s, m, n) for (s, m), n in counts.items()]


def notice_deadline(day: datetime.date, *, days_ahead: int = 3, by_hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day - datetime.timedelta(days=days_ahead), datetime.time(by_hour), tzinfo=SHANGHAI)


def _figures(keys: Iterable[Key] | None) -> dict[Key, dict[str, int]]:
    """Compute every figure for the given station-months (all of them when ``keys`` is None)."""
    out: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(StationMonth.FIGURES, 0))
    wanted = set(keys) if keys is not None else None
    if wanted is not None and not wanted:
        return out
    stations = {s for s, _ in wanted} if wanted is not None else None
    first = min(m for _, m in wanted) if wanted else None
    last = max(m for _, m in wanted) if wanted else None
    produced = [(source.figure, _source_rows(source, stations, first, last)) for source in SOURCES]
    produced.append(("reception_days_noticed_on_time", _notice_rows(stations, first, last)))
    for figure, rows in produced:
        for station_id, month, value in rows:
            if station_id is None or month is None:
                continue
            key = (station_id, month_of(month))
            if wanted is None or key in wanted:
                out[key][figure] = int(value or 0)
    for key in wanted or ():
        out[key]
    return out


def recompute(keys: Iterable[Key]) -> int:
    """Recompute the given station-months from the records and upsert them. Returns rows written."""
    from stations.models import Station

    keys = set(keys)
    alive = set(Station.objects.filter(pk__in={s for s, _ in keys}).values_list("pk", flat=True))
    figures = _figures({k for k in keys if k[0] in alive})  # a deleted station's rows went with it
    rows = [StationMonth(station_id=s, month=m, **values) for (s, m), values in figures.items()]
    StationMonth.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["station", "month"],
        update_fields=list(StationMonth.FIGURES),
    )
    return len(rows)


@transaction.atomic
def rebuild() -> int:
    """Recompute every station-month from the records (``manage.py rebuild_rollups``)."""
    figures = _figures(None)
    StationMonth.objects.all().delete()
    StationMonth.objects.bulk_create(
        [StationMonth(station_id=s, month=m, **values) for (s, m), values in figures.items()], batch_size=2000
    )
    return len(figures)


# ---- keeping rollups current ------------------------------------------------------------------------------------


PENDING = "_rollups_pending"


def mark_dirty(station_id: int | None, day) -> None:
    """Recompute (station, month of ``day``) once the current transaction commits (at once in autocommit).

    Writes in one transaction share one recomputation at commit. Django drops the on-commit callbacks of a
    rolled-back savepoint; when ours is gone, a new batch starts.
    """
    if station_id is None or day is None:
        return
    key = (station_id, month_of(day))
    state = connection.__dict__.get(PENDING)
    if state is not None and any(func is state[1] for _, func, _ in connection.run_on_commit):
        state[0].add(key)
        return
    keys = {key}

    def flush():
        current = connection.__dict__.get(PENDING)
        if current is not None and current[0] is keys:
            del connection.__dict__[PENDING]
        recompute(keys)

    connection.__dict__[PENDING] = (keys, flush)
    transaction.on_commit(flush)


def survey_counts(*, year: int, station_ids) -> list[dict]:
    """Participants, answers and satisfied answers of each station's survey of ``year``."""
    figures = StationMonth.objects.filter(
        station_id__in=station_ids, month__year=year
    ).values("station_id").annotate(
        participants=Sum("survey_participants"), answers=Sum("survey_answers"),
        satisfied=Sum("survey_satisfied_answers"),
    )  # fmt: skip
    return list(figures)
