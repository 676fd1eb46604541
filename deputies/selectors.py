"""Reads of deputies and their work."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stations.models import Membership, ReceptionDay, Station

from .models import (
    SATISFIED_RATINGS,
    Activity,
    ActivityPhoto,
    ActivityPlan,
    ActivityPlanItem,
    Deputy,
    Mandate,
    Rating,
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
# Reads of activities, plans, duty reports and surveys (suggestions: ``suggestions.selectors``; the duty record,
# 履职档案, reads visits too: ``reports.duty_records``).


def satisfaction_rate(satisfied: int, total: int) -> float | None:
    """Satisfaction rate in percent, one decimal: (very satisfied + satisfied) / all answers; None without
    answers."""
    if not total:
        return None
    return round(100 * satisfied / total, 1)


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
