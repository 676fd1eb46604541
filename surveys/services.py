"""Writes of the year-end satisfaction surveys (满意度测评): opening them, their questions, online and paper
ballots. Every function takes keyword arguments and states the rule it enforces; the role is checked against the
permission table (``core.access.require``: ``NotPermitted``, 403, or ``OutOfScope``, 404, for a station outside the
user's area), a broken rule raises ``DomainError`` (400) or ``ConflictError`` (409); nothing is saved then.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import DutyReport
from core.access import require
from core.errors import ConflictError, DomainError
from stations.models import Station

from .models import Rating, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

PAPER_ENTRY_DAYS = 30  # paper ballots may be entered up to 30 days after the survey closes
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


# --- surveys --------------------------------------------------------------------------------------------------


def hash_phone(*, survey: Survey, phone: str) -> str:
    """Salted (HMAC-SHA256, ``SURVEY_PHONE_SALT``) hash of a phone number, bound to one survey so hashes of
    different surveys cannot be linked. The number itself is never stored."""
    key = settings.SURVEY_PHONE_SALT.encode()
    return hmac.new(key, f"{survey.pk}:{phone}".encode(), hashlib.sha256).hexdigest()


def normalize_phone(phone: str) -> str:
    digits = re.sub(r"[\s-]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not PHONE_RE.match(digits):
        raise DomainError(_("Enter a valid mobile phone number (11 digits)."), code="invalid_phone")
    return digits


@transaction.atomic
def survey_sync_questions(*, survey: Survey) -> int:
    """Make sure the survey asks about the station and every deputy who gave a duty report at the station in
    the survey's year. Returns the number of questions added."""
    existing = set(survey.questions.values_list("deputy_id", flat=True))
    added = []
    if None not in existing:
        added.append(SurveyQuestion(survey=survey, deputy=None, order=0))
    reporters = (
        DutyReport.objects.filter(station=survey.station_id, date__year=survey.year, deputy__isnull=False)
        .order_by("deputy_id")
        .values_list("deputy_id", flat=True)
        .distinct()
    )
    for n, deputy_id in enumerate(reporters, start=1):
        if deputy_id not in existing:
            added.append(SurveyQuestion(survey=survey, deputy_id=deputy_id, order=n))
    SurveyQuestion.objects.bulk_create(added)
    return len(added)


def sync_after_duty_report(sender, *, report: DutyReport, **kwargs) -> None:
    """``activities.services.duty_report_recorded``: the year's survey asks voters about every deputy who
    reported (connected in ``SurveysConfig.ready``)."""
    survey = Survey.objects.filter(station=report.station_id, year=report.date.year).first()
    if survey is not None:
        survey_sync_questions(survey=survey)


def survey_create(
    *, station: Station, year: int, opens_on: datetime.date, closes_on: datetime.date, by, title: str = ""
) -> Survey:
    """Open a station's year-end survey (one per station and year); it asks about the station and each deputy
    who reported there that year."""
    require(by, "survey.write", station=station)
    return _survey_create(station=station, year=year, opens_on=opens_on, closes_on=closes_on, title=title)


def surveys_open_year_end(
    *, year: int, opens_on: datetime.date | None = None, closes_on: datetime.date | None = None
) -> int:
    """Create the year-end survey of every active station that has none for ``year`` (default window 10–31
    December). Run by the scheduler on 1 December and by ``open_surveys``; running it twice creates nothing."""
    opens_on = opens_on or datetime.date(year, 12, 10)
    closes_on = closes_on or datetime.date(year, 12, 31)
    missing = Station.objects.active().exclude(surveys__year=year).order_by("code")
    created = 0
    for station in missing:
        try:
            _survey_create(station=station, year=year, opens_on=opens_on, closes_on=closes_on)
        except ConflictError:
            continue  # created meanwhile by its station
        created += 1
    return created


def _survey_create(*, station: Station, year: int, opens_on, closes_on, title: str = "") -> Survey:
    if closes_on < opens_on:
        raise DomainError(_("The survey closes before it opens."), code="invalid_window")
    if opens_on.year != year and closes_on.year not in (year, year + 1):
        raise DomainError(_("The window must fall at the end of the survey's year."), code="invalid_window")
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                station=station,
                year=year,
                opens_on=opens_on,
                closes_on=closes_on,
                title=title or _("%(year)s satisfaction survey") % {"year": year},
            )
            survey_sync_questions(survey=survey)
    except IntegrityError:
        raise ConflictError(_("This station already has a survey for %(year)s.") % {"year": year}) from None
    return survey


def _answers(survey: Survey, ratings: Mapping) -> list[SurveyAnswer]:
    """Validate ``{question id: rating}``: every rating on the 4-point scale, every question of this survey,
    and the station's own question answered."""
    questions = {q.pk: q for q in survey.questions.all()}
    answers = []
    for raw_id, rating in ratings.items():
        try:
            question = questions[int(raw_id)]
        except (KeyError, TypeError, ValueError):
            raise DomainError(
                _("Question %(q)s is not part of this survey.") % {"q": raw_id}, code="unknown_question"
            ) from None
        if rating in ("", None):
            continue  # a voter may skip a deputy they do not know
        if rating not in Rating.values:
            raise DomainError(
                _("%(value)r is not on the scale; use one of: %(choices)s.")
                % {"value": rating, "choices": ", ".join(Rating.values)},
                code="invalid_rating",
            )
        answers.append(SurveyAnswer(question=question, rating=rating))
    station_question = next((q for q in questions.values() if q.deputy_id is None), None)
    if station_question is None or station_question.pk not in {a.question.pk for a in answers}:
        raise DomainError(_("Rate the station."), code="station_rating_required")
    return answers


def _save_response(response: SurveyResponse, answers: list[SurveyAnswer]) -> SurveyResponse:
    response.save()
    for answer in answers:
        answer.response = response
    SurveyAnswer.objects.bulk_create(answers)
    return response


def survey_respond_online(
    *, survey: Survey, phone: str, ratings: Mapping, now: datetime.datetime | None = None
) -> SurveyResponse:
    """A voter answers online while the window is open: one response per phone number (kept only as a salted
    hash), every rating on the 4-point scale."""
    now = now or timezone.now()
    if not survey.is_open(on=timezone.localdate(now)):
        raise DomainError(_("This survey is not open."), code="survey_closed")
    phone_hash = hash_phone(survey=survey, phone=normalize_phone(phone))
    answers = _answers(survey, ratings)
    duplicate = _("This phone number has already answered this survey.")
    if SurveyResponse.objects.filter(survey=survey, phone_hash=phone_hash).exists():
        raise DomainError(duplicate, code="duplicate_phone")
    try:
        with transaction.atomic():
            return _save_response(
                SurveyResponse(
                    survey=survey, channel=SurveyResponse.Channel.ONLINE, phone_hash=phone_hash, submitted_at=now
                ),
                answers,
            )
    except IntegrityError:  # a concurrent response from the same phone won the race
        raise DomainError(duplicate, code="duplicate_phone") from None


def paper_ballots_accepted(survey: Survey, *, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return survey.opens_on <= today <= survey.closes_on + datetime.timedelta(days=PAPER_ENTRY_DAYS)


def survey_record_paper_ballot(*, survey: Survey, ratings: Mapping, by) -> SurveyResponse:
    """Station staff enter one paper ballot as a response, from the day the survey opens until 30 days after
    it closes. A paper ballot carries nothing about its author."""
    require(by, "survey.ballot", station=survey.station_id)
    if not paper_ballots_accepted(survey):
        raise DomainError(
            _("Paper ballots are entered while the survey runs and up to 30 days after."), code="survey_closed"
        )
    answers = _answers(survey, ratings)
    with transaction.atomic():
        return _save_response(
            SurveyResponse(survey=survey, channel=SurveyResponse.Channel.PAPER, entered_by=by), answers
        )
