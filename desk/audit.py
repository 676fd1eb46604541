"""The audit trail as county staff and administrators read it: one timeline of every version of records and
reference data (django-simple-history), every unmasking of personal data and every failed sign-in.

Each source is a small table of its own; the timeline takes the newest rows of each (filtered the same way)
and merges them, so the page costs a few queries whatever the size of the history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import require
from core.privacy import mask_name, mask_phone

ACTION = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}
PERSONAL = {"visitor_name", "citizen_name", "visitor_phone", "citizen_phone", "phone", "email", "id_number"}
HIDDEN = {"id", "created_at", "updated_at", "voided_by", "rating_key_hash"}


@dataclass
class Entry:
    at: datetime.datetime
    kind: str  # change, unmask, sign_in
    what: str
    action: str
    by: str
    reason: str
    changes: list[tuple[str, str, str]]
    version: object = None  # the kept version, for its before → after (computed for the entries shown only)


def history_models() -> list:
    """Every model whose versions are kept, in a stable order."""
    models = [m for m in apps.get_models() if hasattr(m, "instance_type") and hasattr(m, "history_date")]
    return sorted(models, key=lambda m: m._meta.label)


def _name(user) -> str:
    if user is None:
        return _("system")
    return user.get_full_name() or user.username


def _shown(field: str, value) -> str:
    if value in (None, ""):
        return "—"
    if field in PERSONAL:
        return mask_phone(str(value)) if "phone" in field else mask_name(str(value))
    return str(value)


def _changes(version) -> list[tuple[str, str, str]]:
    previous = version.prev_record
    if previous is None:
        return []
    out = []
    model = version.instance_type
    for change in version.diff_against(previous).changes:
        if change.field in HIDDEN:
            continue
        try:
            label = str(model._meta.get_field(change.field).verbose_name)
        except Exception:  # noqa: BLE001 - an m2m of the history, not a model field
            label = change.field
        if isinstance(change.old, list) or isinstance(change.new, list):
            continue
        out.append((label, _shown(change.field, change.old), _shown(change.field, change.new)))
    return out


def audit_trail(*, user, kind: str = "", since=None, until=None, who: str = "", text: str = "", limit: int = 200):
    """The newest ``limit`` entries of the audit trail, newest first."""
    require(user, "audit.view")
    entries: list[Entry] = []
    if kind in ("", "change"):
        for model in history_models():
            qs = model.objects.select_related("history_user").order_by("-history_date")
            if since:
                qs = qs.filter(history_date__date__gte=since)
            if until:
                qs = qs.filter(history_date__date__lte=until)
            if who:
                qs = qs.filter(history_user__username__icontains=who) | qs.filter(
                    history_user__last_name__icontains=who
                )
            if text:
                qs = qs.filter(history_change_reason__icontains=text)
            label = str(model.instance_type._meta.verbose_name)
            for version in qs[:limit]:
                entries.append(
                    Entry(
                        at=version.history_date,
                        kind="change",
                        what=f"{label} #{version.id}",
                        action=str(ACTION.get(version.history_type, version.history_type)),
                        by=_name(version.history_user),
                        reason=version.history_change_reason or "",
                        changes=[],
                        version=version,
                    )
                )
    if kind in ("", "unmask"):
        log = apps.get_model("visits", "UnmaskLog").objects.select_related("user").order_by("-at")
        if since:
            log = log.filter(at__date__gte=since)
        if until:
            log = log.filter(at__date__lte=until)
        if who:
            log = log.filter(user__username__icontains=who)
        if text:
            log = log.filter(purpose__icontains=text)
        for row in log[:limit]:
            entries.append(Entry(row.at, "unmask", f"{row.record_type} #{row.record_id}", _("Personal data unmasked"),
                                 _name(row.user), row.purpose, []))  # fmt: skip
    if kind in ("", "sign_in"):
        attempts = apps.get_model("axes", "AccessAttempt").objects.order_by("-attempt_time")
        if since:
            attempts = attempts.filter(attempt_time__date__gte=since)
        if until:
            attempts = attempts.filter(attempt_time__date__lte=until)
        if who:
            attempts = attempts.filter(username__icontains=who)
        if not text:
            for row in attempts[:limit]:
                what = _("%(n)d failed sign-ins from %(ip)s") % {"n": row.failures_since_start, "ip": row.ip_address}
                entries.append(
                    Entry(row.attempt_time, "sign_in", what, _("Sign-in failed"), row.username or "—", "", [])
                )
    entries.sort(key=lambda e: e.at, reverse=True)
    entries = entries[:limit]
    for entry in entries:
        if entry.version is not None and entry.version.history_type == "~":
            entry.changes = _changes(entry.version)
    return entries
