"""The auto rules of the yearly evaluation: one small function per rule, in one registry keyed by rule name.

Each rule gets the year's data (``YearData``: bulk-loaded once for every station, so computing the whole county
costs a fixed number of queries), the station and the item's parameters, and returns a ``RuleResult``: the
fraction of the maximum earned (0..1) and its evidence — what was counted, and for a shortfall what is missing.

Evidence is written as messages (``reports.evidence.message``: a msgid marked with ``gettext_noop`` and its
parameters), stored as they are and rendered in the reader's language wherever they are shown; plain strings
are data (dates, titles, names, tracking codes).
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from .evidence import choice, message
from .rollups import notice_deadline

SHANGHAI = ZoneInfo("Asia/Shanghai")
LEVELS = ("national", "provincial", "city", "county", "township")


Entry = str | dict  # data, or a message / choice of ``reports.evidence``


@dataclass
class RuleResult:
    fraction: float
    counted: list[Entry] = field(default_factory=list)
    missing: list[Entry] = field(default_factory=list)
    summary: Entry = ""

    def __post_init__(self):
        self.fraction = max(0.0, min(1.0, float(self.fraction)))

    def evidence(self) -> dict:
        return {"summary": self.summary, "counted": self.counted, "missing": self.missing}


Rule = Callable[["YearData", object, dict], RuleResult]
RULES: dict[str, Rule] = {}


def rule(name: str):
    def register(func: Rule) -> Rule:
        RULES[name] = func
        return func

    return register


def ratio(part: int, whole: int, *, empty: float = 1.0) -> float:
    return part / whole if whole else empty


def dates(values) -> str:
    return "、".join(f"{v:%Y-%m-%d}" for v in sorted(values))


def month_label(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def names(values: list[str], limit: int = 20) -> str:
    return "、".join(values[:limit]) + ("…" if len(values) > limit else "")


class YearData:
    """Everything the rules read for one year, loaded lazily in bulk for all stations at once."""

    def __init__(self, *, year: int, stations, today: datetime.date | None = None):
        self.year = year
        self.stations = list(stations)
        self.station_ids = [s.pk for s in self.stations]
        self.today = today or timezone.localdate()
        self.start = datetime.date(year, 1, 1)
        self.end = min(datetime.date(year, 12, 31), self.today)

    # -- periods ----------------------------------------------------------------------------------------
    @cached_property
    def months(self) -> list[datetime.date]:
        return [datetime.date(self.year, m, 1) for m in range(1, self.end.month + 1)] if self.end >= self.start else []

    @cached_property
    def quarters(self) -> list[int]:
        return sorted({(m.month - 1) // 3 + 1 for m in self.months})

    def in_year(self, prefix: str) -> Q:
        return Q(**{f"{prefix}__gte": self.start, f"{prefix}__lte": self.end})

    # -- station basics -------------------------------------------------------------------------------
    @cached_property
    def residents(self) -> dict[int, list[int]]:
        from stations.models import Membership

        out = defaultdict(list)
        rows = Membership.objects.current(on=self.end).filter(station_id__in=self.station_ids)
        for station_id, deputy_id in rows.values_list("station_id", "deputy_id"):
            out[station_id].append(deputy_id)
        return out

    @cached_property
    def deputies(self) -> dict[int, dict]:
        from deputies.models import Deputy

        ids = {d for ds in self.residents.values() for d in ds}
        return {d["pk"]: d for d in Deputy.objects.filter(pk__in=ids).values("pk", "name", "photo", "public_contact")}

    @cached_property
    def deputy_levels(self) -> dict[int, set[str]]:
        from deputies.models import Mandate

        out = defaultdict(set)
        ids = {d for ds in self.residents.values() for d in ds}
        for deputy_id, level in Mandate.objects.filter(deputy_id__in=ids).values_list("deputy_id", "level"):
            out[deputy_id].add(level)
        return out

    @cached_property
    def levels_in_area(self) -> dict[int, set[str]]:
        """Levels of deputies elected in each station's street or above it (the county): who lives there."""
        from deputies.models import Mandate

        by_area = defaultdict(set)
        for path, level in Mandate.objects.filter(electoral_area__isnull=False).values_list(
            "electoral_area__path", "level"
        ):
            by_area[path].add(level)
        out = {}
        for station in self.stations:
            path = station.street.path if station.street_id else station.area.path
            out[station.pk] = {lvl for p, lvls in by_area.items() if path.startswith(p) for lvl in lvls}
        return out

    @cached_property
    def documents(self) -> dict[int, list[dict]]:
        from stations.models import StationDocument

        out = defaultdict(list)
        for d in StationDocument.objects.filter(station_id__in=self.station_ids, effective_date__lte=self.end).values(
            "station_id", "kind", "title", "version", "effective_date"
        ):
            out[d["station_id"]].append(d)
        return out

    @cached_property
    def staff_posts(self) -> dict[int, list[tuple]]:
        from stations.models import StationStaff

        out = defaultdict(list)
        for station_id, role, since, until in StationStaff.objects.filter(
            Q(until__isnull=True) | Q(until__gte=self.start), station_id__in=self.station_ids, since__lte=self.end
        ).values_list("station_id", "role", "since", "until"):
            out[station_id].append((role, since, until))
        return out

    # -- reception days ------------------------------------------------------------------------------------
    @cached_property
    def reception_days(self) -> dict[int, list[dict]]:
        from stations.models import ReceptionDay

        out = defaultdict(list)
        rows = ReceptionDay.objects.filter(station_id__in=self.station_ids, scheduled_date__year=self.year).values(
            "pk", "station_id", "scheduled_date", "date", "status", "change_reason", "notice_published_at"
        )
        for r in rows:
            out[r["station_id"]].append(r)
        return out

    @cached_property
    def duty_counts(self) -> Counter:
        """(station, deputy) → reception days on duty that took place in the year."""
        from stations.models import ReceptionDay

        through = ReceptionDay.duty_deputies.through
        rows = through.objects.filter(
            receptionday__station_id__in=self.station_ids,
            receptionday__date__gte=self.start,
            receptionday__date__lte=self.end,
            receptionday__status__in=["held", "moved"],
        ).values_list("receptionday__station_id", "deputy_id")
        return Counter(rows)

    # -- visits, opinions, practical matters ---------------------------------------------------------------------
    @cached_property
    def visit_log_days(self) -> dict[int, set]:
        """Per station: reception day ids with a linked visit log, and dates with any visit log."""
        from visits.models import VisitLog

        out = defaultdict(set)
        for station_id, day_id, date in VisitLog.objects.filter(
            self.in_year("date"), station_id__in=self.station_ids
        ).values_list("station_id", "reception_day_id", "date"):
            out[station_id].add(("day", day_id))
            out[station_id].add(("date", date))
        return out

    @cached_property
    def ledger_months(self) -> dict[int, set]:
        from visits.models import Outreach, VisitLog

        out = defaultdict(set)
        for model in (VisitLog, Outreach):
            for station_id, date in model.objects.filter(
                self.in_year("date"), station_id__in=self.station_ids
            ).values_list("station_id", "date"):
                out[station_id].add(date.replace(day=1))
        return out

    @cached_property
    def opinions(self) -> dict[int, list[dict]]:
        from visits.models import Opinion

        out = defaultdict(list)
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=SHANGHAI)
        end = datetime.datetime.combine(self.end, datetime.time.max, tzinfo=SHANGHAI)
        for o in Opinion.objects.filter(
            station_id__in=self.station_ids, received_at__gte=start, received_at__lte=end
        ).values(
            "pk",
            "station_id",
            "tracking_code",
            "status",
            "resolved",
            "rating",
            "registered_at",
            "assigned_at",
            "answered_at",
            "closed_at",
            "register_due",
            "assign_due",
            "answer_due",
        ):
            out[o["station_id"]].append(o)
        return out

    @cached_property
    def practical_matters(self) -> Counter:
        from visits.models import PracticalMatter

        return Counter(
            PracticalMatter.objects.filter(self.in_year("date"), station_id__in=self.station_ids).values_list(
                "station_id", flat=True
            )
        )

    @cached_property
    def suggestions_from_opinions(self) -> Counter:
        """Suggestions of the year grown from each station's opinions."""
        from suggestions.models import Suggestion

        through = Suggestion.source_opinions.through
        rows = (
            through.objects.filter(suggestion__year=self.year, opinion__station_id__in=self.station_ids)
            .values_list("opinion__station_id", "suggestion_id")
            .distinct()
        )
        return Counter(station_id for station_id, _ in rows)

    # -- activities, duty reports, surveys -------------------------------------------------------------------------
    @cached_property
    def activities(self) -> dict[int, list[dict]]:
        from activities.models import Activity

        out = defaultdict(list)
        for a in Activity.objects.filter(self.in_year("date"), station_id__in=self.station_ids).values(
            "pk", "station_id", "kind", "date", "title", "campaign"
        ):
            out[a["station_id"]].append(a)
        return out

    @cached_property
    def activity_participants(self) -> Counter:
        from activities.models import Activity

        through = Activity.deputies.through
        return Counter(
            through.objects.filter(
                activity__station_id__in=self.station_ids,
                activity__date__gte=self.start,
                activity__date__lte=self.end,
            ).values_list("activity__station_id", "deputy_id")
        )

    @cached_property
    def plans(self) -> dict[int, dict]:
        from activities.models import ActivityPlan

        return {
            p["station_id"]: p
            for p in ActivityPlan.objects.filter(station_id__in=self.station_ids, year=self.year).values(
                "station_id", "published_at"
            )
        }

    @cached_property
    def duty_reports(self) -> dict[int, dict]:
        from activities.models import DutyReport

        out = defaultdict(lambda: {"station_years": set(), "deputies": set()})
        for station_id, deputy_id, date in DutyReport.objects.filter(
            station_id__in=self.station_ids, date__year__gte=self.year - 4, date__lte=self.end
        ).values_list("station_id", "deputy_id", "date"):
            if deputy_id is None:
                out[station_id]["station_years"].add(date.year)
            else:
                out[station_id]["deputies"].add(deputy_id)
        return out

    @cached_property
    def surveys(self) -> dict[int, dict]:
        from reports.rollups import survey_counts

        return {s["station_id"]: s for s in survey_counts(year=self.year, station_ids=self.station_ids)}

    # -- county medians ------------------------------------------------------------------------------------
    @cached_property
    def opinion_median(self) -> float:
        return statistics.median([len(self.opinions.get(s, [])) for s in self.station_ids]) if self.station_ids else 0

    @cached_property
    def suggestions_matters_median(self) -> float:
        values = [self.suggestions_from_opinions.get(s, 0) + self.practical_matters.get(s, 0) for s in self.station_ids]
        return statistics.median(values) if values else 0

    def is_overdue(self, o: dict) -> bool:
        """Open and past the deadline its status waits for (the desk's rule, ``DUE_FIELD_BY_STATUS``)."""
        from visits.models import DUE_FIELD_BY_STATUS

        field_name = DUE_FIELD_BY_STATUS.get(o["status"])
        return bool(field_name and o[field_name] and o[field_name] < self.end)


# ---- A: premises -------------------------------------------------------------------------------------------------

PREMISES = {
    "address": gettext_noop("address"),
    "opening hours": gettext_noop("opening hours"),
    "location": gettext_noop("location on the map"),
    "layout picture": gettext_noop("layout picture"),
}


@rule("premises_complete")
def premises_complete(data: YearData, station, params) -> RuleResult:
    """1 if address, hours and location are set and a layout picture is uploaded; 0.5 if only address and hours."""
    have = {
        "address": bool(station.address),
        "opening hours": bool(station.opening_hours),
        "location": station.latitude is not None and station.longitude is not None,
        "layout picture": bool(station.layout_picture),
    }
    missing = [name for name, ok in have.items() if not ok]
    counted = [name for name, ok in have.items() if ok]
    if not missing:
        fraction = 1.0
    elif have["address"] and have["opening hours"]:
        fraction = 0.5
    else:
        fraction = 0.0
    return RuleResult(
        fraction,
        [message(PREMISES[name]) for name in counted],
        [message(gettext_noop("no %(what)s"), what=message(PREMISES[name])) for name in missing],
        message(gettext_noop("%(n)s/4 set"), n=len(counted)),
    )


@rule("deputies_publicised")
def deputies_publicised(data: YearData, station, params) -> RuleResult:
    """Share of the station's current resident deputies with a photo and a public contact route."""
    residents = [data.deputies[d] for d in data.residents.get(station.pk, []) if d in data.deputies]
    ok = [d for d in residents if d["photo"] and d["public_contact"]]
    lacking = [d["name"] for d in residents if not (d["photo"] and d["public_contact"])]
    return RuleResult(
        ratio(len(ok), len(residents), empty=0.0),
        [d["name"] for d in ok],
        [message(gettext_noop("no photo or public contact: %(names)s"), names=names(lacking))] if lacking else [],
        message(gettext_noop("%(n)s/%(total)s resident deputies publicised"), n=len(ok), total=len(residents)),
    )


# ---- B: rules -----------------------------------------------------------------------------------------------------


@rule("work_system_document")
def work_system_document(data: YearData, station, params) -> RuleResult:
    docs = [d for d in data.documents.get(station.pk, []) if d["kind"] == "work_system"]
    if docs:
        latest = max(docs, key=lambda d: d["version"])
        return RuleResult(1, [f"{latest['title']} v{latest['version']} ({latest['effective_date']:%Y-%m-%d})"])
    return RuleResult(
        0,
        missing=[message(gettext_noop("no work-system document attached"))],
        summary=message(gettext_noop("no documents")),
    )


def _deadline(year: int, month_day: str) -> datetime.date:
    month, day = (int(x) for x in month_day.split("-"))
    return datetime.date(year, month, day)


@rule("activity_plan_published")
def activity_plan_published(data: YearData, station, params) -> RuleResult:
    full_by = _deadline(data.year, params.get("full_by", "01-31"))
    half_by = _deadline(data.year, params.get("half_by", "03-31"))
    plan = data.plans.get(station.pk)
    published = plan and plan["published_at"] and timezone.localtime(plan["published_at"]).date()
    if not published:
        return RuleResult(
            0, missing=[message(gettext_noop("no yearly activity plan published for %(year)s"), year=data.year)]
        )
    label = message(gettext_noop("plan published %(date)s"), date=f"{published:%Y-%m-%d}")
    if published <= full_by:
        return RuleResult(1, [label])
    late = gettext_noop("published after %(date)s")
    if published <= half_by:
        return RuleResult(0.5, [label], [message(late, date=f"{full_by:%Y-%m-%d}")])
    return RuleResult(0, [label], [message(late, date=f"{half_by:%Y-%m-%d}")])


@rule("ledger_months")
def ledger_months(data: YearData, station, params) -> RuleResult:
    """Share of months Jan..Dec (up to today) with at least one visit log or outreach record."""
    have = data.ledger_months.get(station.pk, set())
    missing = [m for m in data.months if m not in have]
    return RuleResult(
        ratio(len(data.months) - len(missing), len(data.months), empty=0.0),
        [month_label(m) for m in data.months if m in have],
        [
            message(
                gettext_noop("no visit log or outreach record in %(months)s"),
                months="、".join(month_label(m) for m in missing),
            )
        ]
        if missing
        else [],
        message(gettext_noop("%(n)s/%(total)s months"), n=len(data.months) - len(missing), total=len(data.months)),
    )


# ---- C: staffing -----------------------------------------------------------------------------------------------


@rule("two_fixed_staff")
def two_fixed_staff(data: YearData, station, params) -> RuleResult:
    """1 if a head and an officer were in post all year; pro rata by days with both filled."""
    total_days = (data.end - data.start).days + 1
    if total_days <= 0:
        return RuleResult(0, missing=[message(gettext_noop("the year has not started"))])
    filled = {"head": set(), "officer": set()}
    for role, since, until in data.staff_posts.get(station.pk, []):
        first = max(since, data.start)
        last = min(until or data.end, data.end)
        filled[role].update(range(first.toordinal(), last.toordinal() + 1))
    both = filled["head"] & filled["officer"]
    missing = [
        message(gettext_noop("no %(role)s for %(n)s days"), role=choice("staff_role", role), n=total_days - len(days))
        for role, days in filled.items()
        if len(days) < total_days
    ]
    return RuleResult(
        len(both) / total_days,
        [message(gettext_noop("both in post %(n)s/%(total)s days"), n=len(both), total=total_days)],
        missing,
    )


@rule("levels_resident")
def levels_resident(data: YearData, station, params) -> RuleResult:
    """Share of the levels with a deputy living in the station's area that have a deputy resident at it."""
    present = data.levels_in_area.get(station.pk, set())
    resident = {lvl for d in data.residents.get(station.pk, []) for lvl in data.deputy_levels.get(d, ())}
    covered = [lvl for lvl in LEVELS if lvl in present and lvl in resident]
    missing = [lvl for lvl in LEVELS if lvl in present and lvl not in resident]
    return RuleResult(
        ratio(len(covered), len(present), empty=0.0),
        [choice("level", lvl) for lvl in covered],
        [message(gettext_noop("no resident deputy of level %(level)s"), level=choice("level", lvl)) for lvl in missing],
        message(gettext_noop("%(n)s/%(total)s levels"), n=len(covered), total=len(present)),
    )


@rule("deputy_participation")
def deputy_participation(data: YearData, station, params) -> RuleResult:
    """Share of resident deputies who took part in at least ``min_times`` reception days or activities."""
    min_times = int(params.get("min_times", 2))
    residents = data.residents.get(station.pk, [])
    active, idle = [], []
    for deputy_id in residents:
        times = data.duty_counts.get((station.pk, deputy_id), 0) + data.activity_participants.get(
            (station.pk, deputy_id), 0
        )
        (active if times >= min_times else idle).append(deputy_id)
    idle_names = [data.deputies.get(d, {}).get("name", str(d)) for d in idle]
    return RuleResult(
        ratio(len(active), len(residents), empty=0.0),
        [message(gettext_noop("%(n)s deputies took part ≥%(times)s times"), n=len(active), times=min_times)],
        [message(gettext_noop("fewer than %(times)s times: %(names)s"), times=min_times, names=names(idle_names))]
        if idle
        else [],
        f"{len(active)}/{len(residents)}",
    )


@rule("training_held")
def training_held(data: YearData, station, params) -> RuleResult:
    """1 if the station held at least one training or study activity in the year."""
    found = [a for a in data.activities.get(station.pk, []) if a["kind"] in ("training", "study_exchange")]
    if found:
        return RuleResult(1, [f"{a['date']:%Y-%m-%d} {a['title']}" for a in found])
    return RuleResult(0, missing=[message(gettext_noop("no training or study activity"))])


# ---- D: activities -----------------------------------------------------------------------------------------------


@rule("reception_held_with_log")
def reception_held_with_log(data: YearData, station, params) -> RuleResult:
    """Share of months whose reception day was held (or moved with a published reason) with a visit log."""
    days = {d["scheduled_date"].replace(day=1): d for d in data.reception_days.get(station.pk, [])}
    logs = data.visit_log_days.get(station.pk, set())
    due = [m for m in data.months if m.replace(day=28) <= data.end]
    ok, no_day, not_held, no_log = [], [], [], []
    for month in due:
        day = days.get(month)
        if day is None:
            no_day.append(month.replace(day=28))
        elif day["status"] not in ("held", "moved") or (day["status"] == "moved" and not day["change_reason"]):
            not_held.append(day["date"])
        elif ("day", day["pk"]) in logs or ("date", day["date"]) in logs:
            ok.append(day["date"])
        else:
            no_log.append(day["date"])
    missing = []
    if no_log:
        missing.append(message(gettext_noop("no visit log for the reception days of %(dates)s"), dates=dates(no_log)))
    if not_held:
        missing.append(message(gettext_noop("reception day not held on %(dates)s"), dates=dates(not_held)))
    if no_day:
        missing.append(message(gettext_noop("no reception day for %(dates)s"), dates=dates(no_day)))
    return RuleResult(
        ratio(len(ok), len(due), empty=0.0),
        [dates(ok)] if ok else [],
        missing,
        message(gettext_noop("%(n)s/%(total)s months"), n=len(ok), total=len(due)),
    )


@rule("notice_on_time")
def notice_on_time(data: YearData, station, params) -> RuleResult:
    """Share of held reception days whose notice was published by ``by_hour`` on day − ``days_ahead``."""
    days_ahead, by_hour = int(params.get("days_ahead", 3)), int(params.get("by_hour", 9))
    held = [
        d for d in data.reception_days.get(station.pk, []) if d["status"] in ("held", "moved") and d["date"] <= data.end
    ]
    on_time, late = [], []
    for d in held:
        limit = notice_deadline(d["date"], days_ahead=days_ahead, by_hour=by_hour)
        (on_time if d["notice_published_at"] and d["notice_published_at"] <= limit else late).append(d["date"])
    return RuleResult(
        ratio(len(on_time), len(held), empty=0.0),
        [message(gettext_noop("%(n)s notices on time"), n=len(on_time))],
        [message(gettext_noop("notice late or missing for %(dates)s"), dates=dates(late))] if late else [],
        f"{len(on_time)}/{len(held)}",
    )


@rule("activity_each_quarter")
def activity_each_quarter(data: YearData, station, params) -> RuleResult:
    quarters = Counter((a["date"].month - 1) // 3 + 1 for a in data.activities.get(station.pk, []))
    missing = [q for q in data.quarters if not quarters.get(q)]
    return RuleResult(
        ratio(len(data.quarters) - len(missing), len(data.quarters), empty=0.0),
        [message(gettext_noop("Q%(q)s: %(n)s"), q=q, n=quarters[q]) for q in data.quarters if quarters.get(q)],
        [message(gettext_noop("no activity in %(year)s Q%(q)s"), year=data.year, q=q) for q in missing],
        message(
            gettext_noop("%(n)s/%(total)s quarters"), n=len(data.quarters) - len(missing), total=len(data.quarters)
        ),
    )


def _count_rule(data, station, params, predicate, needed) -> RuleResult:
    """``needed``: the msgid saying how many more are needed, with ``%(n)s`` and ``%(target)s``."""
    target = int(params.get("target", 4))
    found = [a for a in data.activities.get(station.pk, []) if predicate(a)]
    return RuleResult(
        min(1, len(found) / target) if target else 1,
        [f"{a['date']:%Y-%m-%d} {a['title']}" for a in found],
        [message(needed, n=target - len(found), target=target)] if len(found) < target else [],
        f"{len(found)}/{target}",
    )


@rule("study_exchange")
def study_exchange(data: YearData, station, params) -> RuleResult:
    return _count_rule(
        data,
        station,
        params,
        lambda a: a["kind"] == "study_exchange",
        gettext_noop("%(n)s more study and exchange activities needed (target %(target)s)"),
    )


@rule("themed_activities")
def themed_activities(data: YearData, station, params) -> RuleResult:
    return _count_rule(
        data,
        station,
        params,
        lambda a: bool(a["campaign"]) or a["kind"] in ("public_service", "policy_delivery"),
        gettext_noop("%(n)s more themed, campaign or service activities needed (target %(target)s)"),
    )


# ---- E: opinions ------------------------------------------------------------------------------------------------

FEWER_THAN_MEDIAN = gettext_noop("%(n)s fewer than the county median")


@rule("opinions_gathered")
def opinions_gathered(data: YearData, station, params) -> RuleResult:
    n, median = len(data.opinions.get(station.pk, [])), data.opinion_median
    return RuleResult(
        min(1, n / median) if median else (1 if n else 0),
        [message(gettext_noop("%(n)s opinions gathered (county median %(median)s)"), n=n, median=f"{median:g}")],
        [message(FEWER_THAN_MEDIAN, n=f"{median - n:g}")] if n < median else [],
    )


@rule("assigned_on_time")
def assigned_on_time(data: YearData, station, params) -> RuleResult:
    """Share of registered opinions assigned to a unit within their assignment deadline (10 working days)."""
    registered = [o for o in data.opinions.get(station.pk, []) if o["registered_at"] and o["assign_due"]]
    due = [o for o in registered if o["assigned_at"] or o["assign_due"] < data.end]
    late = [
        o["tracking_code"]
        for o in due
        if not o["assigned_at"] or timezone.localtime(o["assigned_at"]).date() > o["assign_due"]
    ]
    return RuleResult(
        ratio(len(due) - len(late), len(due)),
        [message(gettext_noop("%(n)s/%(total)s assigned on time"), n=len(due) - len(late), total=len(due))],
        [message(gettext_noop("assigned late or not yet: %(codes)s"), codes="、".join(late[:15]))] if late else [],
    )


@rule("resolution_rate")
def resolution_rate(data: YearData, station, params) -> RuleResult:
    """Resolved / (closed + overdue open)."""
    ops = data.opinions.get(station.pk, [])
    resolved = sum(1 for o in ops if o["status"] == "closed" and o["resolved"])
    closed = sum(1 for o in ops if o["status"] == "closed")
    overdue = [o["tracking_code"] for o in ops if data.is_overdue(o)]
    return RuleResult(
        ratio(resolved, closed + len(overdue)),
        [message(gettext_noop("%(resolved)s resolved of %(closed)s closed"), resolved=resolved, closed=closed)],
        [message(gettext_noop("%(n)s overdue open: %(codes)s"), n=len(overdue), codes="、".join(overdue[:15]))]
        if overdue
        else [],
    )


@rule("answered_on_time")
def answered_on_time(data: YearData, station, params) -> RuleResult:
    """Share of opinions answered by their deadline (those answered, and those whose deadline passed)."""
    ops = [o for o in data.opinions.get(station.pk, []) if o["answer_due"]]
    due = [o for o in ops if o["answered_at"] or o["answer_due"] < data.end]
    late = [
        o["tracking_code"]
        for o in due
        if not o["answered_at"] or timezone.localtime(o["answered_at"]).date() > o["answer_due"]
    ]
    return RuleResult(
        ratio(len(due) - len(late), len(due)),
        [message(gettext_noop("%(n)s/%(total)s answered on time"), n=len(due) - len(late), total=len(due))],
        [message(gettext_noop("answered late or not yet: %(codes)s"), codes="、".join(late[:15]))] if late else [],
    )


@rule("handling_satisfaction")
def handling_satisfaction(data: YearData, station, params) -> RuleResult:
    """Satisfied ratings / all ratings on closed opinions (no rating: excluded)."""
    rated = [o for o in data.opinions.get(station.pk, []) if o["status"] == "closed" and o["rating"]]
    satisfied = [o for o in rated if o["rating"] == "satisfied"]
    return RuleResult(
        ratio(len(satisfied), len(rated)),
        [message(gettext_noop("%(n)s/%(total)s satisfied"), n=len(satisfied), total=len(rated))],
        [message(gettext_noop("%(n)s not satisfied"), n=len(rated) - len(satisfied))]
        if len(satisfied) < len(rated)
        else [],
    )


# ---- F: running and results ------------------------------------------------------------------------------------


@rule("duty_reports")
def duty_reports(data: YearData, station, params) -> RuleResult:
    """1 if the station reported in the year; else the share of resident deputies who reported at it within
    the last ``years`` years."""
    reports = data.duty_reports.get(station.pk, {"station_years": set(), "deputies": set()})
    if data.year in reports["station_years"]:
        return RuleResult(1, [message(gettext_noop("the station reported in %(year)s"), year=data.year)])
    residents = data.residents.get(station.pk, [])
    reported = [d for d in residents if d in reports["deputies"]]
    return RuleResult(
        ratio(len(reported), len(residents), empty=0.0),
        [message(gettext_noop("%(n)s/%(total)s resident deputies reported"), n=len(reported), total=len(residents))],
        [message(gettext_noop("the station has not reported in %(year)s"), year=data.year)],
    )


@rule("survey_satisfaction")
def survey_satisfaction(data: YearData, station, params) -> RuleResult:
    survey = data.surveys.get(station.pk)
    if not survey or not survey["answers"]:
        return RuleResult(0, missing=[message(gettext_noop("no year-end survey held in %(year)s"), year=data.year)])
    rate = survey["satisfied"] / survey["answers"]
    return RuleResult(
        rate,
        [message(gettext_noop("%(n)s participants, %(rate)s satisfied"), n=survey["participants"], rate=f"{rate:.1%}")],
    )


@rule("suggestions_and_matters")
def suggestions_and_matters(data: YearData, station, params) -> RuleResult:
    suggestions = data.suggestions_from_opinions.get(station.pk, 0)
    matters = data.practical_matters.get(station.pk, 0)
    n, median = suggestions + matters, data.suggestions_matters_median
    return RuleResult(
        min(1, n / median) if median else (1 if n else 0),
        [
            message(
                gettext_noop(
                    "%(suggestions)s suggestions from its opinions + %(matters)s practical matters "
                    "(county median %(median)s)"
                ),
                suggestions=suggestions,
                matters=matters,
                median=f"{median:g}",
            )
        ],
        [message(FEWER_THAN_MEDIAN, n=f"{median - n:g}")] if n < median else [],
    )


@rule("online_operation")
def online_operation(data: YearData, station, params) -> RuleResult:
    """1 − (share of overdue open opinions + share of records with unmasked personal data in public views).

    Public pages and API fields never carry personal data (tests scan them), so the second share is 0 by
    construction; QR submission is enabled for every active station.
    """
    ops = data.opinions.get(station.pk, [])
    overdue = [o for o in ops if data.is_overdue(o)]
    share = ratio(len(overdue), len(ops), empty=0.0)
    missing = (
        [message(gettext_noop("%(n)s of %(total)s opinions overdue"), n=len(overdue), total=len(ops))]
        if overdue
        else []
    )
    if not station.is_active:
        missing.append(message(gettext_noop("station inactive: QR submission disabled")))
        share = 1.0
    return RuleResult(
        1 - share,
        [
            message(gettext_noop("QR submission enabled")),
            message(gettext_noop("no unmasked personal data in public views")),
        ],
        missing,
    )
