"""Writes of deputies' work: suggestions and their handling, activities and yearly plans, duty reports and the
year-end satisfaction surveys. Every function takes keyword arguments, states the rule it enforces and raises
``DomainError`` (400) or ``ConflictError`` (409) when a rule says no; nothing is saved then.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from core.api import ConflictError, DomainError
from stations.models import Membership, Station
from visits.models import ResponsibleUnit

from .models import (
    Activity,
    ActivityKind,
    ActivityPlan,
    ActivityPlanItem,
    Deputy,
    DutyReport,
    Rating,
    Suggestion,
    SuggestionCategory,
    SuggestionEvent,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)

ANSWER_MONTHS = 3  # a unit answers within 3 months of assignment …
MAX_EXTENSION_MONTHS = 6  # … extendable, with a reason, to 6 months at most
RETURN_MONTHS = 1  # a "not satisfied" assessment gives the unit one more month
PAPER_ENTRY_DAYS = 30  # paper ballots may be entered up to 30 days after the survey closes
MAX_TOPICS = 10
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")

COUNTY_ROLES = (Role.ADMIN, Role.COUNTY)
STATION_WRITER_ROLES = (Role.ADMIN, Role.COUNTY, Role.HEAD, Role.OFFICER)


# --- helpers --------------------------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus whole months, clamped to the end of a shorter month (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _role(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return Role.ADMIN if user.is_superuser else (getattr(user, "role", "") or "")


def _require(user, roles, message) -> None:
    if _role(user) not in roles:
        raise DomainError(message, code="not_allowed")


def _deputy_of(user) -> Deputy | None:
    if user is None or not user.is_authenticated:
        return None
    return Deputy.objects.filter(user=user).first()


def _event(suggestion: Suggestion, *, action: str, from_status: str, by, note: str = "") -> None:
    SuggestionEvent.objects.create(
        suggestion=suggestion, action=action, from_status=from_status, to_status=suggestion.status, by=by, note=note
    )


def _not_in_future_year(day: datetime.date, what: str) -> None:
    if day.year > timezone.localdate().year:
        raise DomainError(
            _("%(what)s cannot be dated in a future year (%(date)s).") % {"what": what, "date": day.isoformat()},
            code="future_year",
        )


# --- suggestions ----------------------------------------------------------------------------------------------


def _clean_topics(topics: Iterable[str] | None) -> list[str]:
    cleaned = []
    for topic in topics or []:
        if not isinstance(topic, str):
            raise DomainError(_("Topics are short texts."), code="invalid_topic")
        topic = topic.strip()
        if not topic:
            continue
        if len(topic) > 30:
            raise DomainError(_("A topic is at most 30 characters."), code="invalid_topic")
        if topic not in cleaned:
            cleaned.append(topic)
    if len(cleaned) > MAX_TOPICS:
        raise DomainError(_("At most %(n)d topics.") % {"n": MAX_TOPICS}, code="invalid_topic")
    return cleaned


def suggestion_file(
    *,
    lead_deputy: Deputy | None,
    title: str,
    content: str,
    category: str,
    by,
    co_signers: Iterable[Deputy] = (),
    topics: Iterable[str] | None = None,
    station: Station | None = None,
    session: str = "",
    year: int | None = None,
    filed_on: datetime.date | None = None,
    number: str = "",
    source_opinions: Iterable = (),
) -> Suggestion:
    """File a suggestion. It has exactly one lead deputy and a known category; co-signers are other deputies.
    A deputy files as lead themselves; station staff file for deputies resident at their station; county staff
    for anyone. Without a number it gets the next one of its year (``2025-014``)."""
    if lead_deputy is None:
        raise DomainError(_("A suggestion needs a lead deputy."), code="lead_deputy_required")
    if category not in SuggestionCategory.values:
        raise DomainError(
            _("Unknown category %(value)r; use one of: %(choices)s.")
            % {"value": category, "choices": ", ".join(SuggestionCategory.values)},
            code="invalid_category",
        )
    if not (title or "").strip() or not (content or "").strip():
        raise DomainError(_("A suggestion needs a title and a content."), code="required")
    role = _role(by)
    if role == Role.DEPUTY:
        own = _deputy_of(by)
        if own is None or own.pk != lead_deputy.pk:
            raise DomainError(_("A deputy files suggestions as their own lead deputy."), code="not_allowed")
    elif role in (Role.HEAD, Role.OFFICER):
        if station is None:
            raise DomainError(_("Station staff file a suggestion for their own station."), code="station_required")
        if not Membership.objects.filter(deputy=lead_deputy, station=station).exists():
            raise DomainError(
                _("Station staff file suggestions for deputies resident at their station."), code="not_resident"
            )
    elif role not in COUNTY_ROLES:
        raise DomainError(_("You may not file suggestions."), code="not_allowed")
    co_signers = [d for d in dict.fromkeys(co_signers) if d.pk != lead_deputy.pk]
    filed_on = filed_on or timezone.localdate()
    year = year or filed_on.year
    if year > timezone.localdate().year + 1:
        raise DomainError(_("The year is too far ahead."), code="invalid_year")
    with transaction.atomic():
        suggestion = Suggestion(
            lead_deputy=lead_deputy,
            title=title.strip(),
            content=content.strip(),
            category=category,
            topics=_clean_topics(topics),
            station=station,
            session=session,
            year=year,
            filed_on=filed_on,
            number=number,
        )
        _save_with_number(suggestion)
        if co_signers:
            suggestion.co_signers.set(co_signers)
        if source_opinions:
            suggestion.source_opinions.set(list(source_opinions))
        _event(suggestion, action="file", from_status="", by=by)
    return suggestion


def _save_with_number(suggestion: Suggestion, attempts: int = 5) -> None:
    """Save, numbering the suggestion ``YEAR-NNN`` when it has no number; a clash with a concurrent filing
    retries with the next number."""
    if suggestion.number:
        try:
            with transaction.atomic():
                suggestion.save()
        except IntegrityError:
            raise ConflictError(_("Suggestion number %(n)s is already taken.") % {"n": suggestion.number}) from None
        return
    for _attempt in range(attempts):
        taken = Suggestion.objects.filter(year=suggestion.year).exclude(number="").count()
        suggestion.number = f"{suggestion.year}-{taken + 1:03d}"
        try:
            with transaction.atomic():
                suggestion.save()
            return
        except IntegrityError:
            suggestion.pk = None
            continue
    raise ConflictError(_("Could not number the suggestion; please try again."))


def _locked(suggestion_id: int) -> Suggestion:
    return Suggestion.objects.select_for_update().get(pk=suggestion_id)


def _expect(suggestion: Suggestion, *statuses: str, action: str) -> None:
    if suggestion.status not in statuses:
        raise ConflictError(
            _("Cannot %(action)s a suggestion that is %(status)s.")
            % {"action": action, "status": suggestion.get_status_display()},
            code="wrong_status",
            extra={"status": suggestion.status},
        )


@transaction.atomic
def suggestion_assign(
    *, suggestion: Suggestion, unit: ResponsibleUnit | None, by, on: datetime.date | None = None
) -> Suggestion:
    """County staff assign a filed suggestion to an active handling unit; the unit answers within 3 months."""
    _require(by, COUNTY_ROLES, _("Only county staff assign suggestions."))
    if unit is None or not unit.is_active:
        raise DomainError(_("Choose an active handling unit."), code="unit_required")
    suggestion = _locked(suggestion.pk)
    _expect(suggestion, Suggestion.Status.FILED, action=_("assign"))
    on = on or timezone.localdate()
    old = suggestion.status
    suggestion.unit = unit
    suggestion.assigned_on = on
    suggestion.deadline = add_months(on, ANSWER_MONTHS)
    suggestion.status = Suggestion.Status.ASSIGNED
    suggestion.save()
    _event(suggestion, action="assign", from_status=old, by=by, note=unit.name)
    return suggestion


@transaction.atomic
def suggestion_extend(*, suggestion: Suggestion, deadline: datetime.date, reason: str, by) -> Suggestion:
    """County staff extend the answer deadline, with a reason, to 6 months after assignment at most."""
    _require(by, COUNTY_ROLES, _("Only county staff extend deadlines."))
    suggestion = _locked(suggestion.pk)
    _expect(suggestion, Suggestion.Status.ASSIGNED, action=_("extend"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("An extension needs a reason."), code="reason_required")
    latest = add_months(suggestion.assigned_on, MAX_EXTENSION_MONTHS)
    if deadline > latest:
        raise DomainError(
            _("Refused: a deadline may be extended to 6 months after assignment at most (%(latest)s).")
            % {"latest": latest.isoformat()},
            code="extension_too_long",
            extra={"latest": latest.isoformat()},
        )
    if suggestion.deadline and deadline <= suggestion.deadline:
        raise DomainError(_("The new deadline must be later than the current one."), code="not_later")
    old = suggestion.status
    suggestion.deadline = deadline
    suggestion.extension_reason = reason[:300]
    suggestion.save()
    _event(suggestion, action="extend", from_status=old, by=by, note=f"{deadline.isoformat()}: {reason}")
    return suggestion


@transaction.atomic
def suggestion_answer(
    *, suggestion: Suggestion, answer_class: str, answer: str, by, on: datetime.date | None = None
) -> Suggestion:
    """Record the handling unit's answer, classed A (solved or being solved), B (planned, conditions lacking
    now) or C (explained, cannot be done now)."""
    _require(by, COUNTY_ROLES, _("Only county staff record a unit's answer."))
    if answer_class not in Suggestion.AnswerClass.values:
        raise DomainError(_("The answer class is A, B or C."), code="invalid_answer_class")
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(_("Give the unit's answer."), code="answer_required")
    suggestion = _locked(suggestion.pk)
    _expect(suggestion, Suggestion.Status.ASSIGNED, action=_("answer"))
    old = suggestion.status
    suggestion.answer_class = answer_class
    suggestion.answer = answer
    suggestion.answered_on = on or timezone.localdate()
    suggestion.status = Suggestion.Status.ANSWERED
    suggestion.save()
    _event(suggestion, action="answer", from_status=old, by=by, note=answer_class)
    return suggestion


@transaction.atomic
def suggestion_assess(*, suggestion: Suggestion, assessment: str, by, note: str = "") -> Suggestion:
    """The lead deputy (or county staff on their behalf) assesses the answer. Satisfied or basically
    satisfied ends the handling (``assessed``); not satisfied sends it back to the unit once, with one more
    month; a second "not satisfied" ends it too."""
    if assessment not in Suggestion.Assessment.values:
        raise DomainError(
            _("The assessment is one of: %(choices)s.") % {"choices": ", ".join(Suggestion.Assessment.values)},
            code="invalid_assessment",
        )
    suggestion = _locked(suggestion.pk)
    own = _deputy_of(by)
    if _role(by) not in COUNTY_ROLES and (own is None or own.pk != suggestion.lead_deputy_id):
        raise DomainError(_("Only the lead deputy assesses the answer."), code="not_allowed")
    _expect(suggestion, Suggestion.Status.ANSWERED, action=_("assess"))
    old = suggestion.status
    today = timezone.localdate()
    if assessment == Suggestion.Assessment.NOT_SATISFIED and not suggestion.returned_once:
        # Back to the unit once: the first answer stays in the event history.
        suggestion.returned_once = True
        suggestion.status = Suggestion.Status.ASSIGNED
        suggestion.deadline = add_months(today, RETURN_MONTHS)
        suggestion.answer_class, suggestion.answer, suggestion.answered_on = "", "", None
        suggestion.assessment, suggestion.assessed_on = "", None
        suggestion.save()
        _event(suggestion, action="return", from_status=old, by=by, note=note or assessment)
        return suggestion
    suggestion.assessment = assessment
    suggestion.assessed_on = today
    suggestion.status = Suggestion.Status.ASSESSED
    suggestion.save()
    _event(suggestion, action="assess", from_status=old, by=by, note=note or assessment)
    return suggestion


@transaction.atomic
def suggestion_supervise(*, suggestion: Suggestion, by, activity: Activity | None = None) -> Suggestion:
    """County staff put a suggestion under supervision (督办), tied to a supervision activity (now or later).
    A closed suggestion is no longer supervised."""
    _require(by, COUNTY_ROLES, _("Only county staff supervise suggestions."))
    if activity is not None and activity.kind != ActivityKind.SUGGESTION_SUPERVISION:
        raise DomainError(_("The activity must be a supervision of suggestions."), code="wrong_activity_kind")
    suggestion = _locked(suggestion.pk)
    _expect(
        suggestion,
        Suggestion.Status.FILED,
        Suggestion.Status.ASSIGNED,
        Suggestion.Status.ANSWERED,
        Suggestion.Status.ASSESSED,
        action=_("supervise"),
    )
    old = suggestion.status
    suggestion.supervised = True
    if activity is not None:
        suggestion.supervision_activity = activity
    suggestion.save()
    _event(suggestion, action="supervise", from_status=old, by=by, note=activity.title if activity else "")
    return suggestion


@transaction.atomic
def suggestion_close(*, suggestion: Suggestion, by, reason: str = "") -> Suggestion:
    """County staff archive a suggestion (办结): after the deputy's assessment, or after the answer with a
    reason (the deputy never assessed it)."""
    _require(by, COUNTY_ROLES, _("Only county staff close suggestions."))
    suggestion = _locked(suggestion.pk)
    _expect(suggestion, Suggestion.Status.ASSESSED, Suggestion.Status.ANSWERED, action=_("close"))
    reason = (reason or "").strip()
    if suggestion.status == Suggestion.Status.ANSWERED and not reason:
        raise DomainError(_("Closing without the deputy's assessment needs a reason."), code="reason_required")
    old = suggestion.status
    suggestion.status = Suggestion.Status.CLOSED
    suggestion.save()
    _event(suggestion, action="close", from_status=old, by=by, note=reason)
    return suggestion


# --- activities and plans -------------------------------------------------------------------------------------


def activity_create(
    *,
    station: Station,
    kind: str,
    date: datetime.date,
    title: str,
    by,
    deputies: Iterable[Deputy] = (),
    people_reached: int = 0,
    campaign: str = "",
    summary: str = "",
    photos: Iterable = (),
) -> Activity:
    """Record an activity held by a station (its staff or county staff). It cannot be dated in a future year;
    ``photos`` are uploaded image files."""
    _require(by, STATION_WRITER_ROLES, _("Only station staff and county staff record activities."))
    if kind not in ActivityKind.values:
        raise DomainError(_("Unknown activity kind %(value)r.") % {"value": kind}, code="invalid_kind")
    _not_in_future_year(date, _("An activity"))
    if people_reached is None or people_reached < 0:
        raise DomainError(_("People reached cannot be negative."), code="invalid_people")
    if not (title or "").strip():
        raise DomainError(_("An activity needs a title."), code="required")
    with transaction.atomic():
        activity = Activity.objects.create(
            station=station,
            kind=kind,
            date=date,
            title=title.strip(),
            people_reached=people_reached,
            campaign=(campaign or "").strip(),
            summary=summary or "",
            created_by=by if getattr(by, "pk", None) else None,
        )
        deputies = list(deputies)
        if deputies:
            activity.deputies.set(deputies)
        for photo in photos:
            activity.photos.create(image=photo)
    return activity


def activity_add_photo(*, activity: Activity, image, by, caption: str = ""):
    """Attach a photo to an activity (station staff and county staff)."""
    _require(by, STATION_WRITER_ROLES, _("Only station staff and county staff add photos."))
    return activity.photos.create(image=image, caption=caption or "")


def _clean_plan_items(items: Iterable[Mapping]) -> list[ActivityPlanItem]:
    cleaned = []
    for item in items:
        month, quarter = item.get("month"), item.get("quarter")
        if (month is None) == (quarter is None):
            raise DomainError(_("Place each plan item in a month or a quarter."), code="invalid_period")
        if month is not None and not 1 <= int(month) <= 12:
            raise DomainError(_("A month is 1 to 12."), code="invalid_period")
        if quarter is not None and not 1 <= int(quarter) <= 4:
            raise DomainError(_("A quarter is 1 to 4."), code="invalid_period")
        if item.get("kind") not in ActivityKind.values:
            raise DomainError(_("Unknown activity kind %(value)r.") % {"value": item.get("kind")}, code="invalid_kind")
        if not (item.get("title") or "").strip():
            raise DomainError(_("Each plan item needs a title."), code="required")
        cleaned.append(
            ActivityPlanItem(
                month=month,
                quarter=quarter,
                kind=item["kind"],
                title=item["title"].strip(),
                description=item.get("description", ""),
            )
        )
    return cleaned


@transaction.atomic
def activity_plan_save(
    *, station: Station, year: int, items: Iterable[Mapping], by, title: str = "", notes: str = ""
) -> ActivityPlan:
    """Create or rewrite a station's plan for ``year`` (its items are replaced). A published plan may still be
    corrected; it keeps its first publication time."""
    _require(by, STATION_WRITER_ROLES, _("Only station staff and county staff keep activity plans."))
    if year > timezone.localdate().year + 1:
        raise DomainError(_("Plans are made for this year or the next."), code="invalid_year")
    cleaned = _clean_plan_items(items)
    plan, _created = ActivityPlan.objects.select_for_update().get_or_create(station=station, year=year)
    plan.title = title or plan.title or _("%(year)s activity plan") % {"year": year}
    plan.notes = notes
    plan.save()
    plan.items.all().delete()
    for item in cleaned:
        item.plan = plan
    ActivityPlanItem.objects.bulk_create(cleaned)
    return plan


@transaction.atomic
def activity_plan_publish(*, plan: ActivityPlan, by) -> ActivityPlan:
    """Publish the plan to the public. A plan without items cannot be published; publishing twice is a
    conflict (the first publication time is what the evaluation reads)."""
    _require(by, STATION_WRITER_ROLES, _("Only station staff and county staff publish activity plans."))
    plan = ActivityPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.published_at is not None:
        raise ConflictError(_("The plan is already published."), code="already_published")
    if not plan.items.exists():
        raise DomainError(_("A plan without items cannot be published."), code="empty_plan")
    plan.published_at = timezone.now()
    plan.save(update_fields=["published_at"])
    return plan


# --- duty reports ---------------------------------------------------------------------------------------------


def duty_report_create(
    *,
    station: Station,
    date: datetime.date,
    audience: int,
    by,
    deputy: Deputy | None = None,
    title: str = "",
    summary: str = "",
    activity: Activity | None = None,
) -> DutyReport:
    """Record a duty report to voters at a station: by a deputy resident there (on that date), or by the
    station itself (no deputy). One per deputy (or station) and day. A deputy who reports is added to the
    station's survey of that year."""
    _require(by, STATION_WRITER_ROLES, _("Only station staff and county staff record duty reports."))
    _not_in_future_year(date, _("A duty report"))
    if audience is None or audience < 0:
        raise DomainError(_("The audience cannot be negative."), code="invalid_audience")
    if deputy is not None and not Membership.objects.current(on=date).filter(deputy=deputy, station=station).exists():
        raise DomainError(_("The deputy is not resident at this station on that date."), code="not_resident")
    if activity is not None and activity.station_id != station.pk:
        raise DomainError(_("The activity belongs to another station."), code="wrong_station")
    try:
        with transaction.atomic():
            report = DutyReport.objects.create(
                station=station,
                deputy=deputy,
                date=date,
                audience=audience,
                title=title,
                summary=summary,
                activity=activity,
            )
            # The year's survey asks voters about every deputy who reported.
            survey = Survey.objects.filter(station=station, year=date.year).first()
            if survey is not None:
                survey_sync_questions(survey=survey)
    except IntegrityError:
        raise ConflictError(_("This duty report is already recorded for that day.")) from None
    return report


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


def survey_create(
    *, station: Station, year: int, opens_on: datetime.date, closes_on: datetime.date, by, title: str = ""
) -> Survey:
    """Open a station's year-end survey (one per station and year); it asks about the station and each deputy
    who reported there that year."""
    _require(by, STATION_WRITER_ROLES, _("Only station staff and county staff create surveys."))
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
    _require(by, STATION_WRITER_ROLES, _("Only station staff and county staff enter paper ballots."))
    if not paper_ballots_accepted(survey):
        raise DomainError(
            _("Paper ballots are entered while the survey runs and up to 30 days after."), code="survey_closed"
        )
    answers = _answers(survey, ratings)
    with transaction.atomic():
        return _save_response(
            SurveyResponse(survey=survey, channel=SurveyResponse.Channel.PAPER, entered_by=by), answers
        )
