"""The trail of a record a person entered: every version django-simple-history kept, as steps a person reads.

Each step says who, when, what (entered, corrected, voided, restored), why (the reason given) and, for a
correction, each changed field before and after. Personal data in the trail is masked like everywhere else
unless the reader may unmask it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import has_permission, require
from core.privacy import can_unmask, mask_name, mask_phone

from .models import Opinion, Outreach, PracticalMatter, VisitLog

ACTION_LABELS = {
    "created": gettext_lazy("Entered"),
    "corrected": gettext_lazy("Corrected"),
    "voided": gettext_lazy("Voided"),
    "restored": gettext_lazy("Restored"),
    "changed": gettext_lazy("Changed"),
}
# Fields a person never sees change in the trail (bookkeeping).
HIDDEN = {"id", "created_by", "created_at", "voided_by", "voided_at", "void_reason", "rating_key_hash"}
PERSONAL = {"visitor_name": mask_name, "citizen_name": mask_name, "visitor_phone": mask_phone,
            "citizen_phone": mask_phone}  # fmt: skip


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass
class Step:
    at: datetime.datetime
    by: str
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


def _user_label(user) -> str:
    if user is None:
        return _("system")
    return user.get_full_name() or user.username


def _value(record_model, name: str, value, masked: bool) -> str:
    if value in (None, ""):
        return "—"
    if masked and name in PERSONAL:
        return PERSONAL[name](str(value))
    model_field = record_model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        target = model_field.related_model._base_manager.filter(pk=value).first()
        return str(target) if target is not None else f"#{value}"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _action(previous, version) -> str:
    if version.history_type == "+":
        return "created"
    if previous is not None and previous.voided_at is None and version.voided_at is not None:
        return "voided"
    if previous is not None and previous.voided_at is not None and version.voided_at is None:
        return "restored"
    if previous is not None and getattr(previous, "status", None) != getattr(version, "status", None):
        return "changed"  # an opinion's workflow step (its events tell the story)
    return "corrected"


def record_trail(*, user, record) -> list[Step]:
    """The record's versions, oldest first, for a user who may see the record."""
    require(user, "record.trail.view", record.station_id)
    masked = not can_unmask(user)
    model = type(record)
    versions = list(record.history.select_related("history_user").order_by("history_date", "history_id"))
    steps: list[Step] = []
    previous = None
    for version in versions:
        action = _action(previous, version)
        changes: list[Change] = []
        if previous is not None and action in ("corrected", "changed"):
            delta = version.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN:
                    continue
                if change.field == "deputies":
                    before = ", ".join(str(d) for d in _deputies(change.old))
                    after = ", ".join(str(d) for d in _deputies(change.new))
                else:
                    before = _value(model, change.field, change.old, masked)
                    after = _value(model, change.field, change.new, masked)
                label = str(model._meta.get_field(change.field).verbose_name)
                changes.append(Change(change.field, label, before or "—", after or "—"))
            if not changes and not version.history_change_reason:
                previous = version
                continue  # a save that changed nothing a person entered (e.g. a workflow step's bookkeeping)
        steps.append(
            Step(
                at=version.history_date,
                by=_user_label(version.history_user),
                action=action,
                reason=version.history_change_reason or "",
                changes=changes,
            )
        )
        previous = version
    return steps


def _deputies(rows) -> list:
    from deputies.models import Deputy

    ids = [row["deputy"] for row in rows or []]
    return list(Deputy.objects.filter(pk__in=ids).order_by("pk"))


def voided_records(*, user, station=None):
    """Voided visit logs, outreach, practical matters and opinions of the user's area, newest first: what
    county staff review and may restore."""
    if not has_permission(user, "record.voided.view"):
        return []
    rows = []
    for model in (VisitLog, Outreach, PracticalMatter, Opinion):
        qs = model.all_objects.for_user(user).filter(voided_at__isnull=False).select_related("station", "voided_by")
        if station is not None:
            qs = qs.filter(station=station)
        rows.extend(qs[:200])
    return sorted(rows, key=lambda r: r.voided_at, reverse=True)
