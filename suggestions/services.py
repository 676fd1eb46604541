"""Writes of deputies' suggestions (代表建议): filing and the handling workflow. Every function takes keyword
arguments and states the rule it enforces; the role is checked against the permission table
(``core.access.require``: ``NotPermitted``, 403), bad input is ``Invalid`` (400) and an action from a wrong status
``Conflict`` (409). Nothing is saved when a rule says no.

Workflow: ``filed`` → ``assigned`` (to a handling unit, 3 months, extendable with a reason to 6) → ``answered``
(class A/B/C) → the lead deputy's assessment (``assessed``; "not satisfied" sends it back to the unit once) →
``closed`` (办结) by county staff.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import Activity, ActivityKind
from core.access import STATION_ROLES, Role, effective_role, require
from core.errors import Conflict, Invalid, NotPermitted, OutOfScope
from core.workflow import Step, Workflow
from deputies.models import Deputy
from stations.models import Membership, Station
from visits.models import ResponsibleUnit

from .models import Suggestion, SuggestionCategory, SuggestionEvent

ANSWER_MONTHS = 3  # a unit answers within 3 months of assignment …
MAX_EXTENSION_MONTHS = 6  # … extendable, with a reason, to 6 months at most
RETURN_MONTHS = 1  # a "not satisfied" assessment gives the unit one more month
MAX_TOPICS = 10


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus whole months, clamped to the end of a shorter month (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _deputy_of(user) -> Deputy | None:
    if user is None or not user.is_authenticated:
        return None
    return Deputy.objects.filter(user=user).first()


def _event(suggestion: Suggestion, *, action: str, from_status: str, by, note: str = "") -> None:
    SuggestionEvent.objects.create(
        suggestion=suggestion, action=action, from_status=from_status, to_status=suggestion.status, by=by, note=note
    )


# --- filing ----------------------------------------------------------------------------------------------


def _clean_topics(topics: Iterable[str] | None) -> list[str]:
    cleaned = []
    for topic in topics or []:
        if not isinstance(topic, str):
            raise Invalid(_("Topics are short texts."), code="invalid_topic")
        topic = topic.strip()
        if not topic:
            continue
        if len(topic) > 30:
            raise Invalid(_("A topic is at most 30 characters."), code="invalid_topic")
        if topic not in cleaned:
            cleaned.append(topic)
    if len(cleaned) > MAX_TOPICS:
        raise Invalid(_("At most %(n)d topics.") % {"n": MAX_TOPICS}, code="invalid_topic")
    return cleaned


def _check_contents(*, lead_deputy: Deputy | None, title: str, content: str, category: str) -> None:
    """A suggestion has exactly one lead deputy, a known category, a title and a content."""
    if lead_deputy is None:
        raise Invalid(_("A suggestion needs a lead deputy."), code="lead_deputy_required")
    if category not in SuggestionCategory.values:
        raise Invalid(
            _("Unknown category %(value)r; use one of: %(choices)s.")
            % {"value": category, "choices": ", ".join(SuggestionCategory.values)},
            code="invalid_category",
        )
    if not (title or "").strip() or not (content or "").strip():
        raise Invalid(_("A suggestion needs a title and a content."), code="required")


def _check_station_staff(by, *, lead_deputy: Deputy, station: Station | None) -> None:
    """Station staff act for their own station's resident deputies only."""
    if effective_role(by) not in STATION_ROLES:
        return
    if station is None:
        raise Invalid(_("Station staff file a suggestion for their own station."), code="station_required")
    if not Membership.objects.filter(deputy=lead_deputy, station=station).exists():
        raise Invalid(_("Station staff file suggestions for deputies resident at their station."), code="not_resident")


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
    require(by, "suggestion.file", station=station)
    _check_contents(lead_deputy=lead_deputy, title=title, content=content, category=category)
    if effective_role(by) == Role.DEPUTY:
        own = _deputy_of(by)
        if own is None or own.pk != lead_deputy.pk:
            raise NotPermitted(_("A deputy files suggestions as their own lead deputy."))
    _check_station_staff(by, lead_deputy=lead_deputy, station=station)
    co_signers = [d for d in dict.fromkeys(co_signers) if d.pk != lead_deputy.pk]
    filed_on = filed_on or timezone.localdate()
    year = year or filed_on.year
    if year > timezone.localdate().year + 1:
        raise Invalid(_("The year is too far ahead."), code="invalid_year")
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
            raise Conflict(_("Suggestion number %(n)s is already taken.") % {"n": suggestion.number}) from None
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
    raise Conflict(_("Could not number the suggestion; please try again."))


def _locked(suggestion_id: int) -> Suggestion:
    return Suggestion.objects.select_for_update().get(pk=suggestion_id)


St = Suggestion.Status
# action → the statuses it may start from and the permission it needs; one function per action below.
WORKFLOW = Workflow(
    {
        "assign": Step((St.FILED,), "suggestion.assign"),
        "extend": Step((St.ASSIGNED,), "suggestion.extend"),
        "answer": Step((St.ASSIGNED,), "suggestion.answer"),
        "assess": Step((St.ANSWERED,), "suggestion.assess"),
        "supervise": Step((St.FILED, St.ASSIGNED, St.ANSWERED, St.ASSESSED), "suggestion.supervise"),
        "close": Step((St.ASSESSED, St.ANSWERED), "suggestion.close"),
    },
    conflict_message=gettext_lazy("Cannot %(action)s a suggestion that is %(status)s."),
    action_labels={
        "assign": gettext_lazy("assign"),
        "extend": gettext_lazy("extend"),
        "answer": gettext_lazy("answer"),
        "assess": gettext_lazy("assess"),
        "supervise": gettext_lazy("supervise"),
        "close": gettext_lazy("close"),
    },
)


# The deputies' own steps before the suggestion is assigned; kept apart from WORKFLOW, whose actions are the
# county's handling (the API's ``transition/`` offers exactly those).
BEFORE_ASSIGNMENT = Workflow(
    {
        "edit": Step((St.FILED,), "suggestion.edit"),
        "cosign": Step((St.FILED,), "suggestion.cosign"),
    },
    conflict_message=gettext_lazy("Cannot %(action)s a suggestion that is %(status)s."),
    action_labels={"edit": gettext_lazy("edit"), "cosign": gettext_lazy("co-sign")},
)


def _reachable(suggestion: Suggestion, by) -> None:
    """The suggestion is one the user may open (``selectors.visible_suggestions``), else 404."""
    from .selectors import visible_suggestions

    if not visible_suggestions(by).filter(pk=suggestion.pk).exists():
        raise OutOfScope(_("No such suggestion in your area."))


@transaction.atomic
def suggestion_edit(
    *,
    suggestion: Suggestion,
    by,
    title: str,
    content: str,
    category: str,
    topics: Iterable[str] | None = None,
    station: Station | None = None,
    co_signers: Iterable[Deputy] = (),
) -> Suggestion:
    """Change a suggestion until it is assigned: its lead deputy, station staff for their station's residents,
    or county staff. Same rules as filing; the event names the fields that changed (nothing changed: no event)."""
    require(by, "suggestion.edit", station=station)
    _reachable(suggestion, by)
    suggestion = _locked(suggestion.pk)
    BEFORE_ASSIGNMENT.check("edit", status=suggestion.status, status_label=suggestion.get_status_display(), user=by)
    lead = suggestion.lead_deputy
    if effective_role(by) == Role.DEPUTY:
        own = _deputy_of(by)
        if own is None or own.pk != lead.pk:
            raise NotPermitted(_("Only the lead deputy edits the suggestion."))
    _check_contents(lead_deputy=lead, title=title, content=content, category=category)
    _check_station_staff(by, lead_deputy=lead, station=station)
    wanted = {
        "title": title.strip(),
        "content": content.strip(),
        "category": category,
        "topics": _clean_topics(topics),
        "station": station,
    }
    changed = [name for name, value in wanted.items() if getattr(suggestion, name) != value]
    for name in changed:
        setattr(suggestion, name, wanted[name])
    new_co_signers = {d.pk for d in co_signers if d.pk != lead.pk}
    if new_co_signers != set(suggestion.co_signers.values_list("pk", flat=True)):
        suggestion.co_signers.set(new_co_signers)
        changed.append("co_signers")
    if not changed:
        return suggestion
    suggestion.save()
    _event(suggestion, action="edit", from_status=suggestion.status, by=by, note=",".join(changed))
    return suggestion


@transaction.atomic
def suggestion_cosign(*, suggestion: Suggestion, by) -> Suggestion:
    """A deputy adds themselves as a co-signer (附议) of another deputy's suggestion, until it is assigned."""
    require(by, "suggestion.cosign")
    deputy = _deputy_of(by)
    if deputy is None:
        raise NotPermitted(_("Only deputies co-sign suggestions."))
    _reachable(suggestion, by)
    suggestion = _locked(suggestion.pk)
    BEFORE_ASSIGNMENT.check("cosign", status=suggestion.status, status_label=suggestion.get_status_display(), user=by)
    if suggestion.lead_deputy_id == deputy.pk:
        raise Invalid(_("The lead deputy does not co-sign their own suggestion."), code="own_suggestion")
    if suggestion.co_signers.filter(pk=deputy.pk).exists():
        raise Conflict(_("You have already co-signed this suggestion."), code="already_cosigned")
    suggestion.co_signers.add(deputy)
    suggestion.save(update_fields=["updated_at"])
    _event(suggestion, action="cosign", from_status=suggestion.status, by=by, note=deputy.name)
    return suggestion


def _expect(suggestion: Suggestion, action: str, by) -> None:
    """The locked suggestion's status allows ``action`` (else 409 with the actions allowed now)."""
    WORKFLOW.check(action, status=suggestion.status, status_label=suggestion.get_status_display(), user=by)


@transaction.atomic
def suggestion_assign(
    *, suggestion: Suggestion, unit: ResponsibleUnit | None, by, on: datetime.date | None = None
) -> Suggestion:
    """County staff assign a filed suggestion to an active handling unit; the unit answers within 3 months."""
    require(by, "suggestion.assign")
    if unit is None or not unit.is_active:
        raise Invalid(_("Choose an active handling unit."), code="unit_required")
    suggestion = _locked(suggestion.pk)
    _expect(suggestion, "assign", by)
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
    require(by, "suggestion.extend")
    suggestion = _locked(suggestion.pk)
    _expect(suggestion, "extend", by)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("An extension needs a reason."), code="reason_required")
    latest = add_months(suggestion.assigned_on, MAX_EXTENSION_MONTHS)
    if deadline > latest:
        raise Invalid(
            _("Refused: a deadline may be extended to 6 months after assignment at most (%(latest)s).")
            % {"latest": latest.isoformat()},
            code="extension_too_long",
            extra={"latest": latest.isoformat()},
        )
    if suggestion.deadline and deadline <= suggestion.deadline:
        raise Invalid(_("The new deadline must be later than the current one."), code="not_later")
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
    require(by, "suggestion.answer")
    if answer_class not in Suggestion.AnswerClass.values:
        raise Invalid(_("The answer class is A, B or C."), code="invalid_answer_class")
    answer = (answer or "").strip()
    if not answer:
        raise Invalid(_("Give the unit's answer."), code="answer_required")
    suggestion = _locked(suggestion.pk)
    _expect(suggestion, "answer", by)
    old = suggestion.status
    suggestion.answer_class = answer_class
    suggestion.answer = answer
    suggestion.answered_on = on or timezone.localdate()
    suggestion.status = Suggestion.Status.ANSWERED
    suggestion.save()
    _event(suggestion, action="answer", from_status=old, by=by, note=f"{answer_class}: {answer}")
    return suggestion


@transaction.atomic
def suggestion_assess(*, suggestion: Suggestion, assessment: str, by, note: str = "") -> Suggestion:
    """The lead deputy (or county staff on their behalf) assesses the answer. Satisfied or basically
    satisfied ends the handling (``assessed``); not satisfied sends it back to the unit once, with one more
    month; a second "not satisfied" ends it too."""
    if assessment not in Suggestion.Assessment.values:
        raise Invalid(
            _("The assessment is one of: %(choices)s.") % {"choices": ", ".join(Suggestion.Assessment.values)},
            code="invalid_assessment",
        )
    require(by, "suggestion.assess")
    suggestion = _locked(suggestion.pk)
    if effective_role(by) == Role.DEPUTY:
        own = _deputy_of(by)
        if own is None or own.pk != suggestion.lead_deputy_id:
            raise NotPermitted(_("Only the lead deputy assesses the answer."))
    _expect(suggestion, "assess", by)
    old = suggestion.status
    today = timezone.localdate()
    note = (note or "").strip()
    note = f"{assessment}: {note}" if note else assessment  # the event keeps the assessment and the deputy's words
    if assessment == Suggestion.Assessment.NOT_SATISFIED and not suggestion.returned_once:
        # Back to the unit once: the first answer stays in the event history.
        suggestion.returned_once = True
        suggestion.status = Suggestion.Status.ASSIGNED
        suggestion.deadline = add_months(today, RETURN_MONTHS)
        suggestion.answer_class, suggestion.answer, suggestion.answered_on = "", "", None
        suggestion.assessment, suggestion.assessed_on = "", None
        suggestion.save()
        _event(suggestion, action="return", from_status=old, by=by, note=note)
        return suggestion
    suggestion.assessment = assessment
    suggestion.assessed_on = today
    suggestion.status = Suggestion.Status.ASSESSED
    suggestion.save()
    _event(suggestion, action="assess", from_status=old, by=by, note=note)
    return suggestion


@transaction.atomic
def suggestion_supervise(*, suggestion: Suggestion, by, activity: Activity | None = None) -> Suggestion:
    """County staff put a suggestion under supervision (督办), tied to a supervision activity (now or later).
    A closed suggestion is no longer supervised."""
    require(by, "suggestion.supervise")
    if activity is not None and activity.kind != ActivityKind.SUGGESTION_SUPERVISION:
        raise Invalid(_("The activity must be a supervision of suggestions."), code="wrong_activity_kind")
    suggestion = _locked(suggestion.pk)
    _expect(suggestion, "supervise", by)
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
    require(by, "suggestion.close")
    suggestion = _locked(suggestion.pk)
    _expect(suggestion, "close", by)
    reason = (reason or "").strip()
    if suggestion.status == Suggestion.Status.ANSWERED and not reason:
        raise Invalid(_("Closing without the deputy's assessment needs a reason."), code="reason_required")
    old = suggestion.status
    suggestion.status = Suggestion.Status.CLOSED
    suggestion.save()
    _event(suggestion, action="close", from_status=old, by=by, note=reason)
    return suggestion
