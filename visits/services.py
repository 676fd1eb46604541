"""Writes of the visits app: visit logs, outreach, opinions and their workflow, practical matters, unmasking,
anonymising. Every function takes keyword-only arguments and states the rule it enforces.

Callers pass stations and records they looked up through ``for_user`` where they can; each service checks
the writer's scope and role again (``core.access.require`` with a permission of the one table), so no caller can
forget it. Failures are ``core.errors``: ``Invalid`` (400, field errors), ``NotPermitted`` (403), ``OutOfScope``
(404) and ``Conflict`` (409).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import Role, effective_role, require
from core.errors import Conflict, Invalid, NotPermitted, OutOfScope
from core.privacy import can_unmask, is_valid_phone, normalise_phone
from core.workdays import WorkingDayCalendar, add_working_days
from core.workflow import Step, Workflow
from stations.models import Membership, Station

from .codes import hash_rating_key, new_rating_key, new_tracking_code
from .models import (
    CONTENT_MAX,
    Opinion,
    OpinionEvent,
    OpinionStatus,
    Outreach,
    PracticalMatter,
    ResponsibleUnit,
    UnmaskLog,
    VisitLog,
)
from .notices import send_tracking_code

S = OpinionStatus
Action = OpinionEvent.Action


# ---------------------------------------------------------------------------------------------------------
# Who may write what: the permissions of core.access.PERMISSIONS


# kind of record → the permission that writes (and deletes) it, inside the writer's scope
WRITE_PERMISSION = {
    "visit_log": "visit_log.write",
    "practical_matter": "practical_matter.write",
    "opinion": "opinion.create",
    "outreach": "outreach.write",
}


def _is_deputy(user) -> bool:
    return effective_role(user) == Role.DEPUTY


def _not_in_future(day: datetime.date, field: str = "date") -> None:
    if day > timezone.localdate():
        raise Invalid({field: _("The date cannot be in the future.")})


def _clean_phone(phone: str, field: str) -> str:
    phone = normalise_phone(phone)
    if phone and not is_valid_phone(phone):
        raise Invalid({field: _("Enter a valid phone number (e.g. 13812345678 or 0731-88888888).")})
    return phone


def _clean_name(name: str, field: str) -> str:
    name = (name or "").strip()
    if "*" in name:
        raise Invalid({field: _("A masked name cannot be saved; enter the full name or nothing.")})
    return name


# ---------------------------------------------------------------------------------------------------------
# Visit logs, outreach, practical matters


@transaction.atomic
def visit_log_create(
    *,
    by,
    station: Station,
    date: datetime.date,
    people_count: int,
    reception_day=None,
    deputies=(),
    visitor_name: str = "",
    visitor_phone: str = "",
    topics: str = "",
    summary: str = "",
) -> VisitLog:
    """Record people received at a station: at least one person, not in the future, written by the station's
    own staff (or its street's or the county's). A log dated on one of the station's reception days is linked
    to it even when the caller did not say so."""
    require(by, "visit_log.write", station)
    _not_in_future(date)
    if people_count is None or people_count < 1:
        raise Invalid({"people_count": _("At least one person.")})
    if reception_day is not None and reception_day.station_id != station.pk:
        raise Invalid({"reception_day": _("That reception day belongs to another station.")})
    if reception_day is None:
        reception_day = station.reception_days.filter(date=date).exclude(status="cancelled").first()
    log = VisitLog.objects.create(
        station=station,
        date=date,
        reception_day=reception_day,
        people_count=people_count,
        visitor_name=_clean_name(visitor_name, "visitor_name"),
        visitor_phone=_clean_phone(visitor_phone, "visitor_phone"),
        topics=(topics or "").strip(),
        summary=(summary or "").strip(),
        created_by=by,
    )
    if deputies:
        log.deputies.set(deputies)
    return log


def _resident_station(deputy, on: datetime.date):
    return (
        Membership.objects.filter(deputy=deputy, since__lte=on)
        .exclude(until__lt=on)
        .order_by("since", "station__code")
        .values_list("station", flat=True)
    )


@transaction.atomic
def outreach_create(
    *,
    by,
    deputy,
    date: datetime.date,
    place: str,
    people_count: int,
    station: Station | None = None,
    summary: str = "",
) -> Outreach:
    """Record a deputy's visit to voters, counted for a station the deputy is resident at on that date (the
    first one when not given). A deputy records only their own visits."""
    _not_in_future(date)
    if people_count is None or people_count < 1:
        raise Invalid({"people_count": _("At least one person.")})
    if _is_deputy(by) and getattr(getattr(by, "deputy", None), "pk", None) != deputy.pk:
        raise NotPermitted(_("A deputy records only their own outreach visits."))
    resident = list(_resident_station(deputy, date))
    if station is None:
        if not resident:
            raise Invalid({"deputy": _("The deputy was not resident at any station on that date.")})
        station = Station.objects.get(pk=resident[0])
    elif station.pk not in resident:
        raise Invalid({"station": _("The deputy was not resident at this station on that date.")})
    require(by, "outreach.write", station)
    if not (place or "").strip():
        raise Invalid({"place": _("Say where the visit took place.")})
    return Outreach.objects.create(
        deputy=deputy,
        station=station,
        date=date,
        place=place.strip(),
        people_count=people_count,
        summary=(summary or "").strip(),
        created_by=by,
    )


@transaction.atomic
def practical_matter_create(
    *,
    by,
    station: Station,
    date: datetime.date,
    title: str,
    beneficiaries: int = 0,
    source_opinion: Opinion | None = None,
    summary: str = "",
) -> PracticalMatter:
    """Record a practical matter done for residents; its source opinion, if any, is one of the same
    station's opinions."""
    require(by, "practical_matter.write", station)
    _not_in_future(date)
    if beneficiaries is None or beneficiaries < 0:
        raise Invalid({"beneficiaries": _("The number of people cannot be negative.")})
    if not (title or "").strip():
        raise Invalid({"title": _("A title is required.")})
    if source_opinion is not None and source_opinion.station_id != station.pk:
        raise Invalid({"source_opinion": _("That opinion belongs to another station.")})
    return PracticalMatter.objects.create(
        station=station,
        date=date,
        title=title.strip(),
        beneficiaries=beneficiaries,
        source_opinion=source_opinion,
        summary=(summary or "").strip(),
        created_by=by,
    )


# ---------------------------------------------------------------------------------------------------------
# Opinions: deadlines


def deadline_days(stage: str) -> int:
    """Working days allowed for a stage (settings.OPINION_DEADLINE_WORKING_DAYS: register, assign, answer)."""
    return int(settings.OPINION_DEADLINE_WORKING_DAYS[stage])


def due_after(day: datetime.date, stage: str, *, calendar: WorkingDayCalendar | None = None) -> datetime.date:
    """An opinion is registered within 2 working days of receipt, assigned within 10 working days of
    registration and answered within 15 working days of assignment (defaults; see settings)."""
    return add_working_days(day, deadline_days(stage), calendar=calendar)


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


# ---------------------------------------------------------------------------------------------------------
# Opinions: creation


@dataclass(frozen=True)
class SubmittedOpinion:
    opinion: Opinion
    rating_key: str  # shown once to a citizen who gave no phone; empty otherwise


def _unique_tracking_code() -> str:
    while True:
        code = new_tracking_code()
        if not Opinion.objects.filter(tracking_code=code).exists():
            return code


def _clean_content(content: str) -> str:
    content = (content or "").strip()
    if not content:
        raise Invalid({"content": _("Please describe the problem or opinion.")})
    if len(content) > CONTENT_MAX:
        raise Invalid({"content": _("At most %(n)d characters.") % {"n": CONTENT_MAX}})
    return content


@transaction.atomic
def opinion_create(
    *,
    by,
    station: Station,
    channel: str,
    content: str,
    category: str = "",
    citizen_name: str = "",
    citizen_phone: str = "",
    deputy=None,
    visit_log: VisitLog | None = None,
    received_at: datetime.datetime | None = None,
    send_sms: bool = False,
) -> SubmittedOpinion:
    """Receive an opinion at a station. It gets an unguessable tracking code and is due for registration
    within 2 working days. ``by`` is None for a citizen's online submission (channel ``online``, the station
    must be active); staff write only for stations in their scope. A citizen who gives no phone gets a
    rating key instead, to prove later that a rating is theirs. With ``send_sms`` and a phone, the tracking
    code goes to that phone by SMS: one notice row recorded with the opinion, sent once after the commit
    (``visits.notices``)."""
    if channel not in Opinion.Channel.values:
        raise Invalid({"channel": _("Unknown channel.")})
    if by is None:
        if channel != Opinion.Channel.ONLINE:
            raise Invalid({"channel": _("Online submissions use the channel 'online'.")})
        if not station.is_active:
            raise Invalid({"station": _("This station does not take opinions online.")})
    else:
        require(by, "opinion.create", station)
        if _is_deputy(by):
            deputy = getattr(by, "deputy", None)
    if visit_log is not None and visit_log.station_id != station.pk:
        raise Invalid({"visit_log": _("That visit log belongs to another station.")})
    received_at = received_at or timezone.now()
    phone = _clean_phone(citizen_phone, "citizen_phone")
    rating_key = "" if phone else new_rating_key()
    opinion = Opinion.objects.create(
        station=station,
        channel=channel,
        content=_clean_content(content),
        category=(category or "").strip()[:50],
        citizen_name=_clean_name(citizen_name, "citizen_name"),
        citizen_phone=phone,
        tracking_code=_unique_tracking_code(),
        rating_key_hash=hash_rating_key(rating_key) if rating_key else "",
        deputy=deputy,
        visit_log=visit_log,
        received_at=received_at,
        register_due=due_after(_local_date(received_at), "register"),
        created_by=by,
    )
    OpinionEvent.objects.create(
        opinion=opinion, at=received_at, actor=by, action=Action.RECEIVE, from_status="", to_status=S.RECEIVED
    )
    if send_sms and phone:
        send_tracking_code(opinion)
    return SubmittedOpinion(opinion=opinion, rating_key=rating_key)


# ---------------------------------------------------------------------------------------------------------
# Opinions: the workflow


# action → the statuses it may start from and the permission of core.access.PERMISSIONS it needs; ``_apply``
# below has one branch per action.
WORKFLOW = Workflow(
    {
        "register": Step((S.RECEIVED,), "opinion.register"),
        "assign": Step((S.REGISTERED,), "opinion.assign"),
        "start": Step((S.ASSIGNED,), "opinion.start"),
        "answer": Step((S.IN_PROGRESS,), "opinion.answer"),
        "rate": Step((S.ANSWERED,), "opinion.rate"),
        "close": Step((S.ANSWERED,), "opinion.close"),
        "reject": Step((S.RECEIVED, S.REGISTERED), "opinion.reject"),
        "reopen": Step((S.CLOSED, S.REJECTED), "opinion.reopen"),
    },
    conflict_message=gettext_lazy("The action “%(action)s” is not allowed while the opinion is %(status)s."),
)
TRANSITIONS = WORKFLOW.steps
ACTIONS = WORKFLOW.actions
actions_from = WORKFLOW.actions_from


def allowed_actions(*, opinion: Opinion, user) -> list[str]:
    """Actions ``user`` may take on ``opinion`` now (the record is assumed to be in the user's scope)."""
    return WORKFLOW.allowed_actions(status=opinion.status, user=user)


def _required(value, field: str, message: str) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    if value in ("", None):
        raise Invalid({field: message})
    return value


def _event(opinion, *, by, action, from_status, note="", at=None):
    OpinionEvent.objects.create(
        opinion=opinion,
        at=at or timezone.now(),
        actor=by,
        action=action,
        from_status=from_status,
        to_status=opinion.status,
        note=note,
    )


def _apply(opinion: Opinion, action: str, *, by, params: dict) -> str:
    """Change ``opinion`` (locked) for ``action``; return the event note."""
    now = timezone.now()
    today = _local_date(now)
    if action == "register":
        opinion.status, opinion.registered_at = S.REGISTERED, now
        opinion.assign_due = due_after(today, "assign")
        return (params.get("note") or "").strip()
    if action == "assign":
        unit = params.get("unit")
        if unit in (None, ""):
            raise Invalid({"unit": _("Choose the responsible unit.")})
        if not isinstance(unit, ResponsibleUnit):
            unit = ResponsibleUnit.objects.filter(pk=unit if str(unit).isdigit() else None, is_active=True).first()
            if unit is None:
                raise Invalid({"unit": _("Unknown or inactive responsible unit.")})
        opinion.status, opinion.unit, opinion.assigned_at = S.ASSIGNED, unit, now
        opinion.answer_due = due_after(today, "answer")
        note = (params.get("note") or "").strip()
        return f"{unit.name}{'：' + note if note else ''}"
    if action == "start":
        opinion.status = S.IN_PROGRESS
        return (params.get("note") or "").strip()
    if action == "answer":
        answer = _required(params.get("answer"), "answer", _("Write the answer given to the citizen."))
        if len(answer) > 4000:
            raise Invalid({"answer": _("At most %(n)d characters.") % {"n": 4000}})
        opinion.status, opinion.answer, opinion.answered_at = S.ANSWERED, answer, now
        return answer
    if action == "rate":
        satisfied = params.get("satisfied")
        if not isinstance(satisfied, bool):
            raise Invalid({"satisfied": _("Say whether the citizen is satisfied (true or false).")})
        note = (params.get("note") or "").strip()
        if satisfied:
            opinion.status, opinion.rating = S.CLOSED, Opinion.Rating.SATISFIED
            opinion.resolved, opinion.closed_at = True, now
        else:
            # Not satisfied: back to the unit, with a fresh answer deadline.
            opinion.status, opinion.rating = S.IN_PROGRESS, Opinion.Rating.NOT_SATISFIED
            opinion.answer_due = due_after(today, "answer")
        return note
    if action == "close":
        note = _required(params.get("note"), "note", _("Say why the opinion is closed without a rating."))
        resolved = params.get("resolved", False)
        if not isinstance(resolved, bool):
            raise Invalid({"resolved": _("Must be true or false.")})
        opinion.status, opinion.resolved, opinion.closed_at = S.CLOSED, resolved, now
        return note
    if action == "reject":
        reason = _required(params.get("reason"), "reason", _("Give the reason for rejecting it."))
        opinion.status, opinion.closed_at = S.REJECTED, now
        return reason
    if action == "reopen":
        reason = _required(params.get("reason"), "reason", _("Give the reason for reopening it."))
        opinion.resolved, opinion.closed_at = False, None
        if opinion.unit_id:
            opinion.status, opinion.answer_due = S.IN_PROGRESS, due_after(today, "answer")
        else:
            opinion.status, opinion.assign_due = S.REGISTERED, due_after(today, "assign")
            opinion.registered_at = opinion.registered_at or now
        return reason
    raise Invalid({"action": _("Unknown action.")})  # unreachable: checked by the caller


def opinion_transition(*, opinion: Opinion, action: str, by, **params) -> Opinion:
    """Move an opinion one step along its workflow under a row lock, so two concurrent actions cannot both
    win: the second sees the new status and gets a conflict (409) listing the actions allowed now.

    Officers and heads register, start, answer and record a rating taken by phone for their station; street
    staff take every action for their streets' stations; county staff for all, and only they reopen."""
    if action not in TRANSITIONS:
        WORKFLOW.check(action, status=opinion.status, status_label="", user=by)  # Invalid: unknown action
    if not Opinion.objects.for_user(by).filter(pk=opinion.pk).exists():
        raise OutOfScope(_("No such opinion in your area."))
    with transaction.atomic():
        locked = Opinion.objects.select_for_update().get(pk=opinion.pk)
        WORKFLOW.check(action, status=locked.status, status_label=locked.get_status_display(), user=by)
        from_status = locked.status
        note = _apply(locked, action, by=by, params=params)
        locked.save()
        _event(locked, by=by, action=action, from_status=from_status, note=note)
    return locked


def opinion_rate_by_citizen(*, tracking_code: str, satisfied: bool, proof: str) -> Opinion:
    """The citizen rates an answered opinion on its tracking page, proving it is them with the last four
    digits of the phone they gave, or with the rating key shown at submission when they gave none."""
    with transaction.atomic():
        opinion = Opinion.objects.select_for_update().filter(tracking_code=tracking_code).first()
        if opinion is None:
            raise OutOfScope(_("No opinion with this tracking code."))
        if opinion.status != S.ANSWERED:
            raise Conflict(_("Only an answered opinion can be rated."), code="invalid_transition")
        proof = (proof or "").strip()
        if opinion.citizen_phone:
            ok = len(proof) == 4 and proof == opinion.citizen_phone[-4:]
        else:
            ok = bool(opinion.rating_key_hash) and hash_rating_key(proof) == opinion.rating_key_hash
        if not ok:
            raise Invalid({"proof": _("This does not match what you gave when you submitted it.")})
        from_status = opinion.status
        _apply(opinion, "rate", by=None, params={"satisfied": satisfied})
        opinion.save()
        _event(opinion, by=None, action=Action.RATE, from_status=from_status, note=_("Rated online by the citizen."))
    return opinion


# ---------------------------------------------------------------------------------------------------------
# Personal data


PERSONAL_FIELDS = {
    VisitLog: ("visitor_name", "visitor_phone"),
    Opinion: ("citizen_name", "citizen_phone"),
}


def record_type(record) -> str:
    return record._meta.label_lower


def unmask_record(*, user, record, purpose: str = "") -> dict[str, str]:
    """Show one record's personal data in full to a user allowed to unmask (county staff with the
    permission), and log who saw which record when."""
    if not can_unmask(user):
        raise NotPermitted(_("You may not see personal data unmasked."))
    fields = PERSONAL_FIELDS[type(record)]
    UnmaskLog.objects.create(
        user=user, station_id=record.station_id, record_type=record_type(record), record_id=record.pk, purpose=purpose
    )
    return {f: getattr(record, f) for f in fields}


def log_bulk_unmask(*, user, records, purpose: str) -> int:
    """Log an unmasked export: one entry per record whose personal data left the system."""
    rows = [
        UnmaskLog(user=user, station_id=r.station_id, record_type=record_type(r), record_id=r.pk, purpose=purpose)
        for r in records
    ]
    UnmaskLog.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def anonymise_old_records(*, older_than_days: int, today: datetime.date | None = None) -> dict[str, int]:
    """Erase the visitor's and citizen's name and phone from records older than ``older_than_days``: visit
    logs by their date, opinions once closed or rejected for that long. Counts and content stay."""
    if older_than_days < 1:
        raise Invalid({"older_than_days": _("At least one day.")})
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=older_than_days)
    visits = (
        VisitLog.objects.filter(date__lt=cutoff)
        .exclude(visitor_name="", visitor_phone="")
        .update(visitor_name="", visitor_phone="")
    )
    cutoff_at = datetime.datetime.combine(cutoff, datetime.time.min, tzinfo=timezone.get_current_timezone())
    opinions = (
        Opinion.objects.filter(status__in=[S.CLOSED, S.REJECTED], closed_at__lt=cutoff_at)
        .exclude(citizen_name="", citizen_phone="", rating_key_hash="")
        .update(citizen_name="", citizen_phone="", rating_key_hash="")
    )
    return {"visit_logs": visits, "opinions": opinions}


@transaction.atomic
def record_delete(*, by, record, kind: str) -> None:
    """Delete a mistaken visit log, outreach record or practical matter: only those who may write it."""
    require(by, WRITE_PERMISSION[kind], record.station_id)
    if kind == "outreach" and _is_deputy(by) and getattr(by, "deputy", None) != record.deputy:
        raise NotPermitted(_("A deputy deletes only their own outreach visits."))
    record.delete()


@transaction.atomic
def opinion_import(
    *,
    by,
    station: Station,
    received_at: datetime.datetime,
    channel: str,
    content: str,
    status: str,
    category: str = "",
    citizen_name: str = "",
    citizen_phone: str = "",
    unit: ResponsibleUnit | None = None,
    registered_at: datetime.datetime | None = None,
    assigned_at: datetime.datetime | None = None,
    answered_at: datetime.datetime | None = None,
    closed_at: datetime.datetime | None = None,
    answer: str = "",
    rating: str = "",
    resolved: bool = False,
    register_due: datetime.date | None = None,
    assign_due: datetime.date | None = None,
    answer_due: datetime.date | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> Opinion:
    """Take over an opinion from a paper or Excel ledger with the state and times it had there: a new tracking
    code, its deadlines as given (computed from the given times where missing), one ``import`` event. A handled
    opinion needs its unit and only a closed one can be resolved."""
    require(by, "opinion.create", station)
    if status not in S.values:
        raise Invalid({"status": _("Unknown status.")})
    if status in (S.ASSIGNED, S.IN_PROGRESS, S.ANSWERED) and unit is None:
        raise Invalid({"unit": _("A handled opinion needs its responsible unit.")})
    if resolved and status != S.CLOSED:
        raise Invalid({"resolved": _("Only a closed opinion can be resolved.")})
    calendar = calendar or WorkingDayCalendar.load()
    phone = _clean_phone(citizen_phone, "citizen_phone")
    opinion = Opinion.objects.create(
        station=station,
        channel=channel,
        content=_clean_content(content),
        category=(category or "").strip()[:50],
        citizen_name=_clean_name(citizen_name, "citizen_name"),
        citizen_phone=phone,
        tracking_code=_unique_tracking_code(),
        status=status,
        unit=unit,
        received_at=received_at,
        registered_at=registered_at,
        assigned_at=assigned_at,
        answered_at=answered_at,
        closed_at=closed_at,
        register_due=register_due or due_after(_local_date(received_at), "register", calendar=calendar),
        assign_due=assign_due
        or (due_after(_local_date(registered_at), "assign", calendar=calendar) if registered_at else None),
        answer_due=answer_due
        or (due_after(_local_date(assigned_at), "answer", calendar=calendar) if assigned_at else None),
        answer=(answer or "").strip(),
        rating=rating or "",
        resolved=resolved,
        created_by=by,
    )
    OpinionEvent.objects.create(
        opinion=opinion,
        actor=by,
        action=Action.IMPORT,
        from_status="",
        to_status=status,
        note=_("Imported from the station's ledger."),
    )
    return opinion
