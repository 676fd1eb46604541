"""Correcting what people entered at the desk: edit, void (with a reason), restore, undo, the trail of a record,
and the voided records of an area.

Every record page exists once per kind (visit log, outreach, practical matter, opinion), so each is guarded by
the permission that writes that kind (``visits.services.WRITE_PERMISSION``: a deputy may reach their own
outreach, never a visit log); the trail needs ``record.trail.view``, the voided list ``record.voided.view``.
Records are looked up through ``for_user`` (another station's record is a 404) and the services check the
writer again. Pages work as plain forms without JavaScript; the undo button of a panel swaps the panel by htmx.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.access import access_station_by_code, get_scoped_or_404, has_permission
from core.errors import Conflict, DomainError
from core.pages import requires
from visits import services
from visits.forms import CATEGORIES, RestoreForm, VoidForm, apply_service, correction_form
from visits.services import WRITE_PERMISSION
from visits.trail import record_trail, voided_records

from . import corrections
from .corrections import KINDS, MODELS, describe

RELATED = {"outreach": ("station", "deputy", "voided_by"), "practical_matter": ("station", "voided_by")}


def _record(request, kind: str, pk: int):
    """The record of this kind in the user's scope, live or voided (404 outside it)."""
    queryset = MODELS[kind].all_objects.select_related(*RELATED.get(kind, ("station", "voided_by")))
    return get_scoped_or_404(queryset, request.user, pk=pk)


def _context(request, kind: str, record, **extra) -> dict:
    return {
        "kind": kind,
        "record": record,
        "station": record.station,
        "what": describe(record),
        "kind_label": record._meta.verbose_name,
        "back": corrections.back_url(request, record),
        "desk_user": has_permission(request.user, "desk.use"),
        **extra,
    }


def _refusal(record) -> str:
    """Why this record cannot be corrected or voided now ("" when it can)."""
    if record.is_voided:
        return _("This record is voided. Restore it first to correct it.")
    if services.kind_of(record) == "opinion" and record.status not in services.OPINION_CORRECTABLE:
        return _("An opinion that a unit is handling cannot be corrected or voided; reject or close it instead.")
    return ""


def _conflict_page(request, kind, record, message: str, status: int = 409):
    return render(request, "desk/records/refused.html", _context(request, kind, record, message=message), status=status)


# ---------------------------------------------------------------------------------------------------------
# Edit, void, restore, undo


@require_http_methods(["GET", "POST"])
def record_edit(request, kind: str, pk: int):
    """The entry form of the record's kind, prefilled (personal data masked), plus an optional reason."""
    record = _record(request, kind, pk)
    refusal = _refusal(record)
    if refusal:
        return _conflict_page(request, kind, record, refusal)
    form = correction_form(record, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            what_before = describe(record)
            changes = form.changes()
            try:
                changed = services.changed_fields(record, changes)
                done = apply_service(
                    form,
                    lambda: services.record_update(
                        by=request.user, record=record, reason=form.cleaned_data.get("reason", ""), **changes
                    ),
                )
            except Conflict as exc:
                form.add_error(None, exc.message)
                done, status = None, 409
            if done is not None:
                if changed:
                    text = _("Corrected: %(what)s") % {"what": describe(record)}
                    corrections.push(request, corrections.notice(text, record=record, op="edit"))
                else:
                    text = _("Nothing was changed: %(what)s") % {"what": what_before}
                    corrections.push(request, corrections.notice(text, level="info"))
                return redirect(corrections.back_url(request, record))
    return render(
        request,
        "desk/records/edit.html",
        _context(request, kind, record, form=form, categories=CATEGORIES),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def record_void(request, kind: str, pk: int):
    """Ask for the reason, then void: the record leaves every list and figure and stays for county staff."""
    record = _record(request, kind, pk)
    refusal = _("This record is already voided.") if record.is_voided else _refusal(record)
    if refusal:
        return _conflict_page(request, kind, record, refusal)
    form = VoidForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done = apply_service(
                    form,
                    lambda: services.record_void(by=request.user, record=record, reason=form.cleaned_data["reason"]),
                )
            except Conflict as exc:
                form.add_error(None, exc.message)
                done, status = None, 409
            if done is not None:
                text = _("Voided: %(what)s") % {"what": describe(record)}
                corrections.push(request, corrections.notice(text, record=record, op="void"))
                return redirect(corrections.back_url(request, record))
    return render(request, "desk/records/void.html", _context(request, kind, record, form=form), status=status)


@require_http_methods(["GET", "POST"])
def record_restore(request, kind: str, pk: int):
    """Bring a voided record back: county staff any time, the user who voided it within the undo window."""
    record = _record(request, kind, pk)
    if not record.is_voided:
        return _conflict_page(request, kind, record, _("This record is not voided."))
    fallback = reverse("desk:voided_records") if has_permission(request.user, "record.voided.view") else ""
    context = _context(request, kind, record)
    context["back"] = corrections.back_url(request, record, fallback=fallback)
    if not services.can_restore(request.user, record):
        message = _("Only county staff restore a voided record (its voider may undo it for a few minutes).")
        return _conflict_page(request, kind, record, message, status=403)
    form = RestoreForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done = apply_service(
                    form,
                    lambda: services.record_restore(
                        by=request.user, record=record, reason=form.cleaned_data.get("reason", "")
                    ),
                )
            except Conflict as exc:
                form.add_error(None, exc.message)
                done, status = None, 409
            if done is not None:
                corrections.push(request, corrections.notice(_("Restored: %(what)s") % {"what": describe(record)}))
                return redirect(context["back"])
    context["form"] = form
    return render(request, "desk/records/restore.html", context, status=status)


@require_POST
def record_undo(request, kind: str, pk: int):
    """Undo what the user just did: an entry (voided with the reason "Undone right after entry"), an edit
    (``record_undo_edit``) or a void (``record_restore``, allowed to the voider within the window)."""
    record = _record(request, kind, pk)
    op = request.POST.get("op", "")
    panel = request.POST.get("panel", "")
    try:
        data = _undo(request, record, op)
    except DomainError as exc:
        data = corrections.notice(str(exc.message), level="danger")
    if panel and request.headers.get("HX-Request") == "true":
        from .views_station import panel_response

        return panel_response(request, record.station, panel, panel_notice=data)
    corrections.push(request, data)
    return redirect(corrections.back_url(request, record))


def _undo(request, record, op: str) -> dict:
    user = request.user
    if op == "entry":
        created = getattr(record, "created_at", None) or getattr(record, "received_at", None)
        if record.is_voided or record.created_by_id != user.pk or not corrections.within_undo_window(created):
            raise Conflict(_("This entry can no longer be undone; void it with a reason instead."))
        services.record_void(by=user, record=record, reason=_("Undone right after entry"))
        return corrections.notice(_("Undone: %(what)s is no longer counted.") % {"what": describe(record)})
    if op == "edit":
        services.record_undo_edit(by=user, record=record)
        return corrections.notice(_("Edit undone: %(what)s") % {"what": describe(record)})
    if op == "void":
        if not record.is_voided:
            raise Conflict(_("This record is not voided."))
        services.record_restore(by=user, record=record, reason=_("Void undone"))
        return corrections.notice(_("Void undone: %(what)s is counted again.") % {"what": describe(record)})
    raise Conflict(_("Nothing to undo."))


# ---------------------------------------------------------------------------------------------------------
# The trail and the voided records


def record_history(request, kind: str, pk: int):
    """Who entered, corrected, voided or restored the record, when, why, and each change before → after."""
    record = _record(request, kind, pk)
    steps = record_trail(user=request.user, record=record)
    writer = corrections.may_write(request.user, kind)
    context = _context(
        request,
        kind,
        record,
        steps=list(reversed(steps)),
        can_edit=writer and not _refusal(record),
        can_restore=services.can_restore(request.user, record),
    )
    return render(request, "desk/records/history.html", context)


@requires("record.voided.view")
def voided_list(request):
    """County staff: the voided records of their area (or one station), newest first, with who voided them,
    when and why, and a restore button."""
    code = request.GET.get("station", "").strip()
    station = access_station_by_code(request.user, code) if code else None
    records = voided_records(user=request.user, station=station)
    prefetch_related_objects([r for r in records if services.kind_of(r) == "outreach"], "deputy")
    rows = [
        {"record": r, "kind": services.kind_of(r), "label": r._meta.verbose_name, "what": describe(r)} for r in records
    ]
    return render(request, "desk/records/voided.html", {"rows": rows, "station": station})


# kind → action → the view guarded by that kind's permission; ``desk/urls.py`` gives each its address
# ``records/<kind>/<pk>/<action>/`` (named ``desk:record_<action>``, reversed with kind= and pk=).
VIEWS = {
    kind: {
        "edit": requires(WRITE_PERMISSION[kind])(record_edit),
        "void": requires(WRITE_PERMISSION[kind])(record_void),
        "restore": requires(WRITE_PERMISSION[kind])(record_restore),
        "undo": requires(WRITE_PERMISSION[kind])(record_undo),
        "history": requires("record.trail.view")(record_history),
    }
    for kind in KINDS
}
