"""Reads of deputies and their work."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stations.models import Membership, ReceptionDay, Station
from visits.models import Opinion, Outreach, VisitLog

from .models import (
    SATISFIED_RATINGS,
    Activity,
    ActivityPhoto,
    ActivityPlan,
    ActivityPlanItem,
    Deputy,
    DutyReport,
    Level,
    Mandate,
    Rating,
    Suggestion,
    SuggestionCategory,
    SuggestionEvent,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)


def with_mandates_and_stations(queryset):
    """Prefetch mandates and current memberships (with station codes): two queries per page, whatever its size."""
    return queryset.prefetch_related(
        Prefetch("mandates", queryset=Mandate.objects.select_related("electoral_area").order_by("term_start")),
        Prefetch(
            "memberships",
            queryset=Membership.objects.current().select_related("station").order_by("station__code"),
            to_attr="current_memberships",
        ),
    )


def deputy_public_list():
    """Deputies resident today at an active station: the ones the public can meet."""
    resident = Membership.objects.current().filter(deputy=OuterRef("pk"), station__is_active=True)
    return with_mandates_and_stations(Deputy.objects.filter(Exists(resident)))


def deputy_staff_base():
    return with_mandates_and_stations(Deputy.objects.all())


# --- deputies' work -------------------------------------------------------------------------------------------
# Reads of suggestions, activities, plans, duty reports, surveys and the computed duty record (履职档案).


@dataclass(frozen=True)
class YearRange:
    year: int

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def aware(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[1 Jan 00:00, next 1 Jan 00:00) in the project's time zone."""
        tz = timezone.get_current_timezone()
        return (
            datetime.datetime(self.year, 1, 1, tzinfo=tz),
            datetime.datetime(self.year + 1, 1, 1, tzinfo=tz),
        )


def satisfaction_rate(satisfied: int, total: int) -> float | None:
    """Satisfaction rate in percent, one decimal: (very satisfied + satisfied) / all answers; None without
    answers."""
    if not total:
        return None
    return round(100 * satisfied / total, 1)


# --- suggestions ----------------------------------------------------------------------------------------------


def suggestion_list_base():
    """Suggestions with their lead deputy, station, unit and co-signers: one extra query per page for the
    co-signers, whatever the page size."""
    return Suggestion.objects.select_related("lead_deputy", "station", "unit", "supervision_activity").prefetch_related(
        Prefetch("co_signers", queryset=Deputy.objects.only("id", "name").order_by("id"))
    )


def suggestion_staff_list_base():
    """What staff see in a list: also the ids of the source opinions (one more query per page)."""
    return suggestion_list_base().prefetch_related(
        Prefetch("source_opinions", queryset=Opinion.objects.only("id").order_by("id"))
    )


def suggestion_detail_base():
    return suggestion_staff_list_base().prefetch_related(
        Prefetch("events", queryset=SuggestionEvent.objects.order_by("at", "id"))
    )


def suggestion_counts_by_category(queryset) -> dict[str, int]:
    counts = dict(queryset.order_by().values_list("category").annotate(n=Count("pk")))
    return {category: counts.get(category, 0) for category in SuggestionCategory.values}


# --- activities and plans -------------------------------------------------------------------------------------


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


# --- surveys --------------------------------------------------------------------------------------------------


def _count_subquery(queryset, group: str):
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]),
        0,
        output_field=IntegerField(),
    )


def survey_list_base():
    """Surveys with ``participants``, ``answers_total`` and ``answers_satisfied`` annotated (no extra query)."""
    answers = SurveyAnswer.objects.filter(response__survey=OuterRef("pk"))
    return Survey.objects.select_related("station").annotate(
        participants=_count_subquery(SurveyResponse.objects.filter(survey=OuterRef("pk")), "survey"),
        answers_total=_count_subquery(answers, "response__survey"),
        answers_satisfied=_count_subquery(answers.filter(rating__in=SATISFIED_RATINGS), "response__survey"),
    )


@dataclass
class QuestionResult:
    question: SurveyQuestion
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def satisfied(self) -> int:
        return sum(self.counts[r] for r in SATISFIED_RATINGS)

    @property
    def rate(self) -> float | None:
        return satisfaction_rate(self.satisfied, self.total)

    @property
    def label(self) -> str:
        return self.question.deputy.name if self.question.deputy_id else str(_("The station"))


@dataclass
class SurveyResults:
    survey: Survey
    participants: int
    online: int
    paper: int
    questions: list[QuestionResult]

    @property
    def station(self) -> QuestionResult | None:
        return next((q for q in self.questions if q.question.deputy_id is None), None)

    @property
    def deputies(self) -> list[QuestionResult]:
        return [q for q in self.questions if q.question.deputy_id is not None]

    @property
    def answers_total(self) -> int:
        return sum(q.total for q in self.questions)

    @property
    def rate(self) -> float | None:
        return satisfaction_rate(sum(q.satisfied for q in self.questions), self.answers_total)


def survey_results(*, survey: Survey) -> SurveyResults:
    """Participants (online and paper), and per question (the station, each deputy) the count of every rating
    and the satisfaction rate. Three queries."""
    channels = dict(survey.responses.order_by().values_list("channel").annotate(n=Count("pk")))
    questions = list(survey.questions.select_related("deputy").order_by("order", "id"))
    counts = {q.pk: dict.fromkeys(Rating.values, 0) for q in questions}
    rows = (
        SurveyAnswer.objects.filter(response__survey=survey)
        .order_by()
        .values_list("question_id", "rating")
        .annotate(n=Count("pk"))
    )
    for question_id, rating, n in rows:
        counts[question_id][rating] = n
    return SurveyResults(
        survey=survey,
        participants=sum(channels.values()),
        online=channels.get(SurveyResponse.Channel.ONLINE, 0),
        paper=channels.get(SurveyResponse.Channel.PAPER, 0),
        questions=[QuestionResult(question=q, counts=counts[q.pk]) for q in questions],
    )


def survey_summary(*, surveys) -> dict:
    """Participants and satisfaction rate (over all answers) of a set of surveys: two queries."""
    answers = SurveyAnswer.objects.filter(response__survey__in=surveys.values("pk"))
    totals = answers.aggregate(total=Count("pk"), satisfied=Count("pk", filter=Q(rating__in=SATISFIED_RATINGS)))
    participants = SurveyResponse.objects.filter(survey__in=surveys.values("pk")).count()
    return {
        "participants": participants,
        "answers": totals["total"],
        "satisfied_answers": totals["satisfied"],
        "satisfaction_rate": satisfaction_rate(totals["satisfied"], totals["total"]),
    }


def deputy_survey_results(*, deputy: Deputy, year: int) -> list[dict]:
    """The deputy's ratings in the year's surveys (one row per station where they reported): one query."""
    rows = (
        SurveyAnswer.objects.filter(question__deputy=deputy, response__survey__year=year)
        .order_by()
        .values_list("response__survey__station__code", "rating")
        .annotate(n=Count("pk"))
    )
    out: dict[str, dict] = {}
    for code, rating, n in rows:
        entry = out.setdefault(code, {"station": code, "total": 0, "satisfied": 0})
        entry["total"] += n
        entry["satisfied"] += n if rating in SATISFIED_RATINGS else 0
    for entry in out.values():
        entry["rate"] = satisfaction_rate(entry["satisfied"], entry["total"])
    return sorted(out.values(), key=lambda e: e["station"])


# --- the duty record (履职档案) ---------------------------------------------------------------------------------

HELD_STATUSES = (ReceptionDay.Status.HELD, ReceptionDay.Status.MOVED)

DUTY_RECORD_FIELDS = [
    ("duty_days", _("Reception days on duty")),
    ("attended_days", _("Reception days attended")),
    ("people_received", _("People received")),
    ("outreach_people", _("People visited on outreach")),
    ("opinions_gathered", _("Opinions gathered")),
    ("suggestions_led", _("Suggestions filed as lead")),
    ("suggestions_cosigned", _("Suggestions co-signed")),
    ("activities", _("Activities taken part in")),
    ("duty_reports", _("Duty reports given")),
]


def _sum_subquery(queryset, group: str, field: str):
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(s=Sum(field)).values("s")[:1]),
        0,
        output_field=IntegerField(),
    )


def duty_record_annotations(year: int) -> dict:
    """Subquery annotations computing a deputy's duty record for ``year`` on any Deputy queryset: the whole
    record of a page of deputies is one query, whatever the page size.

    - duty days: reception days of the year (not cancelled) with the deputy on the duty roster;
    - attended: of those, days that were held (or moved and held) and whose visit log lists the deputy;
    - people received: people of the year's visit logs that list the deputy among those who received;
    - outreach people, opinions gathered, activities, duty reports: the deputy's own records of the year;
    - suggestions: of the year, as lead and as co-signer.
    """
    span = YearRange(year)
    deputy = OuterRef("pk")
    on_duty = ReceptionDay.objects.filter(duty_deputies=deputy, date__gte=span.start, date__lte=span.end).exclude(
        status=ReceptionDay.Status.CANCELLED
    )
    logged = VisitLog.objects.filter(reception_day=OuterRef("pk"), deputies=OuterRef(OuterRef("pk")))
    received_from, received_until = span.aware()
    return {
        "duty_days": _count_subquery(on_duty, "duty_deputies"),
        "attended_days": _count_subquery(
            on_duty.filter(status__in=HELD_STATUSES).filter(Exists(logged)), "duty_deputies"
        ),
        "people_received": _sum_subquery(
            VisitLog.objects.filter(deputies=deputy, date__gte=span.start, date__lte=span.end),
            "deputies",
            "people_count",
        ),
        "outreach_people": _sum_subquery(
            Outreach.objects.filter(deputy=deputy, date__gte=span.start, date__lte=span.end), "deputy", "people_count"
        ),
        "opinions_gathered": _count_subquery(
            Opinion.objects.filter(deputy=deputy, received_at__gte=received_from, received_at__lt=received_until),
            "deputy",
        ),
        "suggestions_led": _count_subquery(Suggestion.objects.filter(lead_deputy=deputy, year=year), "lead_deputy"),
        "suggestions_cosigned": _count_subquery(Suggestion.objects.filter(co_signers=deputy, year=year), "co_signers"),
        "activities": _count_subquery(
            Activity.objects.filter(deputies=deputy, date__gte=span.start, date__lte=span.end), "deputies"
        ),
        "duty_reports": _count_subquery(
            DutyReport.objects.filter(deputy=deputy, date__gte=span.start, date__lte=span.end), "deputy"
        ),
    }


RECORD_PREFIX = "record_"  # annotations must not clash with the related names (duty_days, activities, …)


def deputies_with_duty_record(queryset, *, year: int):
    """``queryset`` of deputies annotated with their duty record of ``year`` (see duty_record_annotations) as
    ``record_<field>``; ``record_values(deputy)`` reads them back in the order of ``DUTY_RECORD_FIELDS``."""
    return queryset.annotate(**{RECORD_PREFIX + k: v for k, v in duty_record_annotations(year).items()})


def record_values(deputy) -> dict[str, int]:
    return {key: getattr(deputy, RECORD_PREFIX + key) for key, _label in DUTY_RECORD_FIELDS}


@dataclass
class DutyRecord:
    deputy: Deputy
    year: int
    values: dict[str, int]
    stations: list[Station]
    levels: list[str]

    @property
    def suggestions(self) -> int:
        return self.values["suggestions_led"] + self.values["suggestions_cosigned"]

    def rows(self) -> list[tuple[str, int]]:
        return [(str(label), self.values[key]) for key, label in DUTY_RECORD_FIELDS]


def duty_record(*, deputy_id: int, year: int) -> DutyRecord:
    """One deputy's duty record of ``year``: three queries (the record, mandates, current stations)."""
    deputy = (
        deputies_with_duty_record(Deputy.objects.filter(pk=deputy_id), year=year)
        .prefetch_related(
            "mandates",
            Prefetch(
                "memberships",
                queryset=Membership.objects.current().select_related("station").order_by("station__code"),
                to_attr="current_memberships",
            ),
        )
        .get()
    )
    return DutyRecord(
        deputy=deputy,
        year=year,
        values=record_values(deputy),
        stations=[m.station for m in deputy.current_memberships],
        levels=[str(Level(level).label) for level in deputy.levels()],
    )


def duty_record_years(*, today: datetime.date | None = None) -> list[int]:
    """Years a record can be asked for: from the demo's first year to this year, newest first."""
    this_year = (today or timezone.localdate()).year
    return list(range(this_year, FIRST_RECORD_YEAR - 1, -1))


FIRST_RECORD_YEAR = 2022


# --- the deputy's desk ----------------------------------------------------------------------------------------


def next_duty_days(*, deputy: Deputy, today: datetime.date | None = None, limit: int = 5):
    today = today or timezone.localdate()
    return list(
        ReceptionDay.objects.filter(duty_deputies=deputy, date__gte=today)
        .exclude(status=ReceptionDay.Status.CANCELLED)
        .select_related("station")
        .order_by("date", "station__code")[:limit]
    )


def deputy_current_stations(*, deputy: Deputy):
    return list(
        Station.objects.filter(pk__in=Membership.objects.current().filter(deputy=deputy).values("station"))
        .select_related("street")
        .order_by("code")
    )


def deputy_suggestions(*, deputy: Deputy, limit: int = 20):
    cosigned = Suggestion.co_signers.through.objects.filter(deputy=deputy).values("suggestion")
    return list(
        suggestion_list_base()
        .filter(Q(lead_deputy=deputy) | Q(pk__in=cosigned))
        .order_by("-year", "-filed_on", "-id")[:limit]
    )


@dataclass
class DutyRecordDetails:
    duty_days: list
    activities: list
    suggestions: list
    duty_reports: list


def duty_record_details(*, deputy: Deputy, year: int) -> DutyRecordDetails:
    """The records behind a duty record (for its page and exports): four queries."""
    span = YearRange(year)
    return DutyRecordDetails(
        duty_days=list(
            ReceptionDay.objects.filter(duty_deputies=deputy, date__gte=span.start, date__lte=span.end)
            .select_related("station")
            .order_by("date", "station__code")
        ),
        activities=list(
            Activity.objects.filter(deputies=deputy, date__gte=span.start, date__lte=span.end)
            .select_related("station")
            .order_by("date", "id")
        ),
        suggestions=list(
            Suggestion.objects.filter(
                Q(lead_deputy=deputy)
                | Q(pk__in=Suggestion.co_signers.through.objects.filter(deputy=deputy).values("suggestion")),
                year=year,
            )
            .select_related("unit")
            .order_by("number", "id")
        ),
        duty_reports=list(
            DutyReport.objects.filter(deputy=deputy, date__gte=span.start, date__lte=span.end)
            .select_related("station")
            .order_by("date")
        ),
    )
