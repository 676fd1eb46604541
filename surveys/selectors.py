"""Reads of the year-end satisfaction surveys: participants, results and satisfaction rates."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy

from .models import SATISFIED_RATINGS, Rating, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse


def satisfaction_rate(satisfied: int, total: int) -> float | None:
    """Satisfaction rate in percent, one decimal: (very satisfied + satisfied) / all answers; None without
    answers."""
    if not total:
        return None
    return round(100 * satisfied / total, 1)


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
