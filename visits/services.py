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

from core.access import Role, effective_role, has_permission, require
from core.errors import Conflict, Invalid, NotPermitted, OutOfScope
from core.privacy import can_unmask, is_valid_phone, mask_name, mask_phone, normalise_phone
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


PEOPLE_MAX = 100_000  # people at one visit or outreach: a realistic bound (the column holds far more)
BENEFICIARIES_MAX = 10_000_000


def _people(value, field: str = "people_count") -> int:
    if value is None or isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid({field: _("At least one person.")})
    if value > PEOPLE_MAX:
        raise Invalid({field: _("At most %(n)s people.") % {"n": f"{PEOPLE_MAX:,}"}})
    return value


def _clean_visit_log(station: Station, fields: dict) -> dict:
    """The rules of a visit log, for the fields given (all of them on create, the changed ones on edit)."""
    out = dict(fields)
    if "date" in out:
        _not_in_future(out["date"])
    if "people_count" in out:
        out["people_count"] = _people(out["people_count"])
    reception_day = out.get("reception_day")
    if reception_day is not None and reception_day.station_id != station.pk:
        raise Invalid({"reception_day": _("That reception day belongs to another station.")})
    if "visitor_name" in out:
        out["visitor_name"] = _clean_name(out["visitor_name"], "visitor_name")
    if "visitor_phone" in out:
        out["visitor_phone"] = _clean_phone(out["visitor_phone"], "visitor_phone")
    for key in ("topics", "summary"):
        if key in out:
            out[key] = (out[key] or "").strip()
    return out


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
    fields = _clean_visit_log(
        station,
        {
            "date": date,
            "people_count": people_count,
            "reception_day": reception_day,
            "visitor_name": visitor_name,
            "visitor_phone": visitor_phone,
            "topics": topics,
            "summary": summary,
        },
    )
    if fields["reception_day"] is None:
        fields["reception_day"] = station.reception_days.filter(date=date).exclude(status="cancelled").first()
    log = VisitLog(station=station, created_by=by, **fields)
    log._history_user = by
    log.save()
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


def _clean_outreach(deputy, station: Station | None, fields: dict) -> tuple[Station, dict]:
    out = dict(fields)
    day = out["date"]
    _not_in_future(day)
    if "people_count" in out:
        out["people_count"] = _people(out["people_count"])
    resident = list(_resident_station(deputy, day))
    if station is None:
        if not resident:
            raise Invalid({"deputy": _("The deputy was not resident at any station on that date.")})
        station = Station.objects.get(pk=resident[0])
    elif station.pk not in resident:
        raise Invalid({"station": _("The deputy was not resident at this station on that date.")})
    if "place" in out:
        if not (out["place"] or "").strip():
            raise Invalid({"place": _("Say where the visit took place.")})
        out["place"] = out["place"].strip()
    if "summary" in out:
        out["summary"] = (out["summary"] or "").strip()
    return station, out


def _own_outreach_only(by, deputy) -> None:
    if _is_deputy(by) and getattr(getattr(by, "deputy", None), "pk", None) != deputy.pk:
        raise NotPermitted(_("A deputy records only their own outreach visits."))


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
    _own_outreach_only(by, deputy)
    station, fields = _clean_outreach(
        deputy, station, {"date": date, "place": place, "people_count": people_count, "summary": summary}
    )
    require(by, "outreach.write", station)
    record = Outreach(deputy=deputy, station=station, created_by=by, **fields)
    record._history_user = by
    record.save()
    return record


def _clean_practical_matter(station: Station, fields: dict) -> dict:
    out = dict(fields)
    if "date" in out:
        _not_in_future(out["date"])
    if "beneficiaries" in out:
        value = out["beneficiaries"]
        if value is None or isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise Invalid({"beneficiaries": _("The number of people cannot be negative.")})
        if value > BENEFICIARIES_MAX:
            raise Invalid({"beneficiaries": _("At most %(n)s people.") % {"n": f"{BENEFICIARIES_MAX:,}"}})
    if "title" in out:
        if not (out["title"] or "").strip():
            raise Invalid({"title": _("A title is required.")})
        out["title"] = out["title"].strip()
    source = out.get("source_opinion")
    if source is not None and source.station_id != station.pk:
        raise Invalid({"source_opinion": _("No such opinion at this station.")})
    if "summary" in out:
        out["summary"] = (out["summary"] or "").strip()
    return out


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
    fields = _clean_practical_matter(
        station,
        {
            "date": date,
            "title": title,
            "beneficiaries": beneficiaries,
            "source_opinion": source_opinion,
            "summary": summary,
        },
    )
    record = PracticalMatter(station=station, created_by=by, **fields)
    record._history_user = by
    record.save()
    return record


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
        "reassign": Step((S.ASSIGNED, S.IN_PROGRESS), "opinion.reassign"),
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


def resolve_unit(value) -> ResponsibleUnit:
    """A responsible unit given as a unit, its id or its exact name; active units only."""
    if value in (None, ""):
        raise Invalid({"unit": _("Choose the responsible unit.")})
    if isinstance(value, ResponsibleUnit):
        unit = value if value.is_active else None
    else:
        text = str(value).strip()
        active = ResponsibleUnit.objects.filter(is_active=True)
        unit = active.filter(pk=int(text)).first() if text.isdigit() else None
        unit = unit or active.filter(name=text).first()
    if unit is None:
        raise Invalid({"unit": _("Unknown or inactive responsible unit.")})
    return unit


def _apply(opinion: Opinion, action: str, *, by, params: dict) -> str:
    """Change ``opinion`` (locked) for ``action``; return the event note."""
    now = timezone.now()
    today = _local_date(now)
    if action == "register":
        opinion.status, opinion.registered_at = S.REGISTERED, now
        opinion.assign_due = due_after(today, "assign")
        return (params.get("note") or "").strip()
    if action == "assign":
        unit = resolve_unit(params.get("unit"))
        opinion.status, opinion.unit, opinion.assigned_at = S.ASSIGNED, unit, now
        opinion.answer_due = due_after(today, "answer")
        note = (params.get("note") or "").strip()
        return f"{unit.name}{'：' + note if note else ''}"
    if action == "reassign":
        reason = _required(params.get("reason"), "reason", _("Give the reason for reassigning it."))
        unit = resolve_unit(params.get("unit"))
        if unit.pk == opinion.unit_id:
            raise Invalid({"unit": _("The opinion is already with this unit.")})
        previous = opinion.unit.name if opinion.unit_id else ""
        opinion.status, opinion.unit, opinion.assigned_at = S.ASSIGNED, unit, now
        opinion.answer_due = due_after(today, "answer")
        return f"{previous} → {unit.name}：{reason}"
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
        _save(locked, by=by, reason=note[:100])
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
    # Voided records too (all_objects), and every kept version of them (the trail keeps no personal data
    # longer than the record does).
    old_visits = VisitLog.all_objects.filter(date__lt=cutoff)
    visits = old_visits.exclude(visitor_name="", visitor_phone="").update(visitor_name="", visitor_phone="")
    VisitLog.history.filter(id__in=old_visits.values("pk")).exclude(visitor_name="", visitor_phone="").update(
        visitor_name="", visitor_phone=""
    )
    cutoff_at = datetime.datetime.combine(cutoff, datetime.time.min, tzinfo=timezone.get_current_timezone())
    old_opinions = Opinion.all_objects.filter(status__in=[S.CLOSED, S.REJECTED], closed_at__lt=cutoff_at)
    opinions = old_opinions.exclude(citizen_name="", citizen_phone="", rating_key_hash="").update(
        citizen_name="", citizen_phone="", rating_key_hash=""
    )
    Opinion.history.filter(id__in=old_opinions.values("pk")).exclude(citizen_name="", citizen_phone="").update(
        citizen_name="", citizen_phone=""
    )
    return {"visit_logs": visits, "opinions": opinions}


# ---------------------------------------------------------------------------------------------------------
# Corrections: edit, void, restore, undo. Every one is a save kept by django-simple-history (who, when, why,
# the values after it); a voided record stays in the table but leaves every list and figure (core.records).

KIND_OF = {VisitLog: "visit_log", Outreach: "outreach", PracticalMatter: "practical_matter", Opinion: "opinion"}
EDITABLE_FIELDS = {
    "visit_log": (
        "date",
        "people_count",
        "reception_day",
        "deputies",
        "visitor_name",
        "visitor_phone",
        "topics",
        "summary",
    ),
    "outreach": ("date", "place", "people_count", "summary"),
    "practical_matter": ("date", "title", "beneficiaries", "source_opinion", "summary"),
    "opinion": ("channel", "content", "category"),
}
# An opinion is corrected or voided only before a unit has it; after that it is rejected or closed instead.
OPINION_CORRECTABLE = (S.RECEIVED, S.REGISTERED)
REASON_MAX = 200
MASKED_FIELDS = {"visitor_name", "visitor_phone", "citizen_name", "citizen_phone"}


def kind_of(record) -> str:
    return KIND_OF[type(record)]


def _reason(reason, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise Invalid({"reason": _("Give the reason.")})
    if len(reason) > REASON_MAX:
        raise Invalid({"reason": _("At most %(n)d characters.") % {"n": REASON_MAX}})
    return reason


def _check_writer(by, record) -> None:
    """The user may write this record: its kind's write permission at its station (404 outside the area,
    403 for the role); a deputy only their own outreach; an opinion only until it is assigned."""
    kind = kind_of(record)
    require(by, WRITE_PERMISSION[kind], record.station_id)
    if kind == "outreach":
        _own_outreach_only(by, record.deputy)
    if kind == "opinion" and record.status not in OPINION_CORRECTABLE:
        raise Conflict(
            _("An opinion that a unit is handling cannot be corrected or voided; reject or close it instead."),
            code="not_correctable",
        )


def _baseline(record) -> None:
    """A record entered before its history was kept (older rows, bulk writes, the demo) gets its current state as
    its first version, dated and signed as entered, so its first correction has a "before" in the trail and can
    be undone."""
    if record.history.exists():
        return
    entered = getattr(record, "created_at", None) or getattr(record, "received_at", None)
    (version,) = record.history.bulk_history_create([record], default_user=record.created_by, default_date=entered)
    if isinstance(record, VisitLog):
        through = VisitLog.deputies.through
        rows = through.objects.filter(visitlog=record).values_list("id", "deputy_id")
        version.deputies.model.objects.bulk_create(
            version.deputies.model(history=version, id=pk, visitlog_id=record.pk, deputy_id=deputy)
            for pk, deputy in rows
        )


def _save(record, *, by, reason: str, update_fields=None) -> None:
    record._history_user = by
    record._change_reason = reason
    record.save(update_fields=update_fields)


def _opinion_event(record, *, by, action: str, note: str) -> None:
    if isinstance(record, Opinion):
        _event(record, by=by, action=action, from_status=record.status, note=note)


def _unchanged_masked(record, field: str, value) -> bool:
    """A masked value (张*, 138****5678) given for a personal field means "keep what is there"."""
    if field not in MASKED_FIELDS or not isinstance(value, str) or "*" not in value:
        return False
    current = getattr(record, field)
    masked = mask_phone(current) if field.endswith("phone") else mask_name(current)
    return value.strip() in (masked, current)


def changed_fields(record, changes: dict) -> dict:
    """The changes that would change something: equal values and masked personal data are dropped."""
    kind = kind_of(record)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS[kind]))
    if unknown:
        raise Invalid({name: [_("This field cannot be changed.")] for name in unknown})
    out = {}
    for name, value in changes.items():
        if _unchanged_masked(record, name, value):
            continue
        if name == "deputies":
            if {getattr(d, "pk", d) for d in value} != set(record.deputies.values_list("pk", flat=True)):
                out[name] = value
            continue
        current = getattr(record, name)
        if isinstance(value, str) and isinstance(current, str) and value.strip() == current:
            continue
        if value != current:
            out[name] = value
    return out


def _clean_changes(record, changes: dict) -> dict:
    kind = kind_of(record)
    if kind == "visit_log":
        return _clean_visit_log(record.station, changes)
    if kind == "outreach":
        _, cleaned = _clean_outreach(record.deputy, record.station, {"date": record.date, **changes})
        return {k: v for k, v in cleaned.items() if k in changes}
    if kind == "practical_matter":
        return _clean_practical_matter(record.station, changes)
    out = dict(changes)
    if "channel" in out and out["channel"] not in Opinion.Channel.values:
        raise Invalid({"channel": _("Unknown channel.")})
    if "content" in out:
        out["content"] = _clean_content(out["content"])
    if "category" in out:
        out["category"] = (out["category"] or "").strip()[:50]
    return out


@transaction.atomic
def record_update(*, by, record, reason: str = "", **changes):
    """Correct a visit log, outreach record, practical matter or (until it is assigned) an opinion: the same
    rules as entering it, only the fields a person entered, a masked personal value keeps what is there. A
    change that changes nothing saves nothing. Returns the record."""
    _check_writer(by, record)
    if record.is_voided:
        raise Conflict(_("A voided record cannot be edited; restore it first."), code="voided")
    changes = changed_fields(record, changes)
    if not changes:
        return record
    cleaned = _clean_changes(record, changes)
    _baseline(record)
    deputies = cleaned.pop("deputies", None)
    for name, value in cleaned.items():
        setattr(record, name, value)
    reason = _reason(reason, required=False)
    if deputies is not None:
        record.deputies.set(deputies)
    _save(record, by=by, reason=reason)
    _opinion_event(record, by=by, action=Action.CORRECT, note=reason)
    return record


@transaction.atomic
def record_void(*, by, record, reason: str):
    """Void a mistaken or duplicate record, with a reason: it leaves lists, figures, rollups and the
    evaluation, and stays visible to county staff, who can restore it."""
    _check_writer(by, record)
    reason = _reason(reason)
    if record.is_voided:
        raise Conflict(_("This record is already voided."), code="voided")
    _baseline(record)
    record.voided_at, record.voided_by, record.void_reason = timezone.now(), by, reason
    _save(record, by=by, reason=reason)
    _opinion_event(record, by=by, action=Action.VOID, note=reason)
    return record


def can_restore(user, record) -> bool:
    """County staff restore any voided record of their area; the user who voided it may undo it for
    ``settings.UNDO_WINDOW_SECONDS``."""
    if not record.is_voided:
        return False
    if has_permission(user, "record.restore"):
        return True
    window = datetime.timedelta(seconds=settings.UNDO_WINDOW_SECONDS)
    return record.voided_by_id == getattr(user, "pk", None) and timezone.now() - record.voided_at <= window


@transaction.atomic
def record_restore(*, by, record, reason: str = ""):
    """Bring a voided record back into every list and figure."""
    require(by, "ledger.view", record.station_id)
    if not record.is_voided:
        raise Conflict(_("This record is not voided."), code="not_voided")
    if not can_restore(by, record):
        raise NotPermitted(_("Only county staff restore a voided record."))
    reason = _reason(reason, required=False) or _("Restored")
    record.voided_at, record.voided_by, record.void_reason = None, None, ""
    _save(record, by=by, reason=reason)
    _opinion_event(record, by=by, action=Action.RESTORE, note=reason)
    return record


@transaction.atomic
def record_undo_edit(*, by, record):
    """Undo the user's own last edit of ``record`` within ``settings.UNDO_WINDOW_SECONDS``: the fields a person
    entered go back to the version before it."""
    _check_writer(by, record)
    versions = list(record.history.all()[:2])
    window = datetime.timedelta(seconds=settings.UNDO_WINDOW_SECONDS)
    latest = versions[0] if versions else None
    if (
        len(versions) < 2
        or latest.history_type != "~"
        or latest.history_user_id != getattr(by, "pk", None)
        or timezone.now() - latest.history_date > window
        or latest.voided_at != versions[1].voided_at
    ):
        raise Conflict(_("There is no recent edit of yours to undo."), code="nothing_to_undo")
    previous = versions[1]
    kind = kind_of(record)
    for name in EDITABLE_FIELDS[kind]:
        if name == "deputies":
            record.deputies.set(previous.deputies.values_list("deputy", flat=True))
            continue
        field = record._meta.get_field(name)
        setattr(record, field.attname, getattr(previous, field.attname))
    note = _("Edit undone")
    _save(record, by=by, reason=note)
    _opinion_event(record, by=by, action=Action.CORRECT, note=note)
    return record


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
