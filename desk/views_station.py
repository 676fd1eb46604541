"""The station desk (/desk/): the liaison officer's daily tool, server-rendered with htmx partials.

Every query starts from ``for_user``; a station or record outside the user's scope is a 404. Each panel
(visit logs, opinions, outreach, practical matters) is one view answering GET with its partial and POST with
the partial after saving (htmx), or a redirect back to the desk (plain form posts without JavaScript).
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.access import STATION_ROLES, access_station_by_code, effective_role, get_scoped_or_404
from core.errors import DomainError
from core.pages import requires
from core.privacy import PUBLIC_TEXT_WARNING, can_unmask, has_personal_data
from visits import ledger, selectors, services
from visits.forms import (
    CATEGORIES,
    LedgerImportForm,
    LedgerRangeForm,
    OpinionForm,
    OutreachForm,
    PracticalMatterForm,
    VisitLogForm,
    apply_service,
)
from visits.models import VisitLog

from . import corrections
from .forms_opinions import OpinionActionForm
from .views_opinions import transition_confirmation

RECENT = 10
UNDOABLE_PANELS = ("visits", "outreach", "practical_matters")  # their confirmation offers "undo"
QUEUE_SIZE = 60
IMPORT_TTL = 30 * 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# ---------------------------------------------------------------------------------------------------------
# The desk page


@requires("desk.use")
def station_desk(request):
    """/desk/ for station staff and supervisors: the desk of one station, or a picker of the stations in scope."""
    code = request.GET.get("station", "").strip()
    if code:
        return _desk(request, access_station_by_code(request.user, code))
    stations = selectors.desk_stations(user=request.user)
    if effective_role(request.user) in STATION_ROLES:  # a head or officer usually staffs one station: open it
        mine = list(stations[:2])
        if len(mine) == 1:
            return _desk(request, mine[0])
    return render(request, "desk/station/picker.html", {"stations": stations})


@requires("desk.use")
def station_desk_for(request, code):
    return _desk(request, access_station_by_code(request.user, code))


def _panels(request, station, **bound) -> dict:
    """Everything the desk page shows; ``bound`` replaces a blank form by the one with the user's input."""
    today = timezone.localdate()
    day = selectors.reception_day_for_desk(station=station, today=today)
    visit_initial = {"date": today}  # the people count starts empty: what is typed is what is saved
    if day and day.date == today:
        visit_initial["reception_day"] = day.pk
        visit_initial["deputies"] = list(day.duty_deputies.values_list("pk", flat=True))
    return {
        "station": station,
        "today": today,
        "reception_day": day,
        "figures": selectors.station_year_figures(station=station, year=today.year),
        "visit_form": bound.get("visit_form") or VisitLogForm(station=station, initial=visit_initial),
        "opinion_form": bound.get("opinion_form") or OpinionForm(station=station),
        "outreach_form": bound.get("outreach_form") or OutreachForm(station=station, initial={"date": today}),
        "pm_form": bound.get("pm_form") or PracticalMatterForm(station=station, initial={"date": today}),
        "ledger_form": LedgerRangeForm(initial={"start": f"{today.year}-01", "end": f"{today:%Y-%m}"}),
        "can_unmask": can_unmask(request.user),
        "categories": CATEGORIES,
        **_lists(request, station),
    }


def _lists(request, station) -> dict:
    user = request.user
    queue = list(selectors.opinion_queue(user=user, station=station)[:QUEUE_SIZE])
    for opinion in queue:
        opinion.actions = services.allowed_actions(opinion=opinion, user=user)
    return {
        "recent_visits": selectors.visit_log_list(user=user).filter(station=station).order_by("-date", "-id")[:RECENT],
        "queue": queue,
        "units": selectors.responsible_units(user=user),  # the unit picker's datalist
        "recent_outreach": selectors.outreach_list(user=user).filter(station=station).order_by("-date", "-id")[:RECENT],
        "recent_pms": selectors.practical_matter_list(user=user)
        .filter(station=station)
        .order_by("-date", "-id")[:RECENT],
    }


def _desk(request, station, status: int = 200, **bound):
    return render(request, "desk/station/desk.html", _panels(request, station, **bound), status=status)


# ---------------------------------------------------------------------------------------------------------
# Panels: one generic handler for the four kinds of record


PANELS = {
    # name: (form class, the service that writes it, form name in the context, partial template). A form's fields
    # are the service's keyword arguments: the service gets them as they are, with the station and ``by``.
    "visits": (VisitLogForm, services.visit_log_create, "visit_form", "desk/station/visit_panel.html"),
    "opinions": (OpinionForm, services.opinion_create, "opinion_form", "desk/station/opinion_panel.html"),
    "outreach": (OutreachForm, services.outreach_create, "outreach_form", "desk/station/outreach_panel.html"),
    "practical_matters": (
        PracticalMatterForm,
        services.practical_matter_create,
        "pm_form",
        "desk/station/pm_panel.html",
    ),
}


def _panel(request, code, name):
    station = access_station_by_code(request.user, code)
    form_class, create, form_name, template = PANELS[name]
    if request.method == "GET":
        return render(request, template, _panels(request, station))
    form = form_class(request.POST, station=station)
    created = None
    if form.is_valid():
        try:
            created = apply_service(form, lambda: create(by=request.user, station=station, **form.cleaned_data))
        except DomainError as exc:
            form.add_error(None, exc.message)
    if created is not None:
        record = created.opinion if name == "opinions" else created
        if not is_htmx(request):
            if name in UNDOABLE_PANELS:  # "Saved: 2026-12-02, 3 people received" with its undo, on the next page
                corrections.push(request, corrections.saved_notice(record))
            else:
                messages.success(request, _("Saved."))
            return redirect(f"{reverse('desk:station', args=[station.code])}#{name}")
        context = _panels(request, station)
        context["saved"] = created
        if name in UNDOABLE_PANELS:
            context["panel_notice"] = corrections.saved_notice(record, panel=name)
        if name == "opinions":
            context["rating_key"] = created.rating_key
            context["saved"] = created.opinion
        if name == "visits":
            # Keep the day, the reception day and the deputies for the next group of the same session.
            keep = {k: form.cleaned_data[k] for k in ("date", "reception_day", "deputies")}
            context["visit_form"] = VisitLogForm(station=station, initial=keep)
        return render(request, template, context)
    if not is_htmx(request):
        return _desk(request, station, status=400, **{form_name: form})
    return render(request, template, _panels(request, station, **{form_name: form}))


def panel_response(request, station, name, **extra):
    """One panel of the desk, fresh, with ``extra`` in its context (e.g. ``panel_notice`` after an undo)."""
    return render(request, PANELS[name][3], {**_panels(request, station), **extra})


@requires("desk.use")
@require_http_methods(["GET", "POST"])
def visit_panel(request, code):
    return _panel(request, code, "visits")


@requires("desk.use")
@require_http_methods(["GET", "POST"])
def opinion_panel(request, code):
    return _panel(request, code, "opinions")


@requires("desk.use")
@require_http_methods(["GET", "POST"])
def outreach_panel(request, code):
    return _panel(request, code, "outreach")


@requires("desk.use")
@require_http_methods(["GET", "POST"])
def practical_matter_panel(request, code):
    return _panel(request, code, "practical_matters")


# ---------------------------------------------------------------------------------------------------------
# Opinions: detail, transitions, unmasking


def _opinion(request, pk):
    return get_scoped_or_404(selectors.opinion_detail(user=request.user), request.user, pk=pk)


@requires("desk.use")
def opinion_detail(request, pk):
    """One opinion: its data, the actions the user may take now (assign and reassign with the unit picker and a
    confirmation naming the unit) and the timeline of every step."""
    opinion = _opinion(request, pk)
    opinion.actions = services.allowed_actions(opinion=opinion, user=request.user)
    return render(
        request,
        "desk/station/opinion_detail.html",
        {
            "opinion": opinion,
            "station": opinion.station,
            "units": selectors.responsible_units(user=request.user),
            "can_unmask": can_unmask(request.user),
        },
    )


@requires("desk.use")
@require_POST
def opinion_transition(request, pk):
    """One step of an opinion's workflow from the desk. An assignment or a reassignment is saved only once
    confirmed: the page's script names the unit and asks first (and sends ``confirmed``); without it, a plain
    post gets a confirmation page and an htmx request the row with a message."""
    opinion = _opinion(request, pk)
    form = OpinionActionForm(request.POST)
    message, status = "", 400
    try:
        if form.is_valid() and form.needs_confirmation:
            # Say now what the workflow would say (409, 403), then name the unit and ask.
            services.WORKFLOW.check(
                form.cleaned_data["action"],
                status=opinion.status,
                status_label=opinion.get_status_display(),
                user=request.user,
            )
            unit = apply_service(form, lambda: services.resolve_unit(form.cleaned_data.get("unit")))
            if unit is not None and not is_htmx(request):
                return transition_confirmation(request, opinion=opinion, form=form, unit=unit)
            if unit is not None:
                message = _("Confirm the responsible unit first: %(unit)s") % {"unit": unit.name}
        elif form.is_valid():
            result = apply_service(
                form,
                lambda: services.opinion_transition(
                    opinion=opinion, action=form.cleaned_data["action"], by=request.user, **form.params()
                ),
            )
            if result is not None:
                status = 200
    except DomainError as exc:
        message, status = exc.message, exc.status_code
        allowed = exc.extra.get("allowed_actions")
        if allowed is not None:
            message = f"{message} " + _("Allowed now: %(a)s") % {"a": ", ".join(allowed) or "—"}
    ok = status == 200
    if not ok and not message:
        message = "; ".join(f"{e}" for errors in form.errors.values() for e in errors)
    warning = ""
    if ok and any(has_personal_data(form.cleaned_data.get(f)) for f in ("answer", "reason")):
        warning = str(PUBLIC_TEXT_WARNING)  # saved all the same; the tracking page masks it
    if not is_htmx(request):
        (messages.success if ok else messages.error)(request, _("Done.") if ok else message)
        if warning:
            messages.warning(request, warning)
        return redirect("desk:opinion", pk=opinion.pk)
    message = message or warning
    fresh = _opinion(request, pk)
    fresh.actions = services.allowed_actions(opinion=fresh, user=request.user)
    context = {"opinion": fresh, "message": message, "ok": ok}
    # htmx swaps non-2xx responses only when told; errors come back as 200 with the message in the row.
    response = render(request, "desk/station/opinion_row.html", context)
    response["X-Transition-Status"] = str(status)
    return response


def _unmasked(request, record):
    try:
        values = services.unmask_record(user=request.user, record=record, purpose=request.POST.get("purpose", ""))
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status_code)
    return render(request, "desk/station/unmasked.html", {"values": list(values.values())})


@requires("desk.use")  # the service checks personal_data.unmask once the record is found in the scope
@require_POST
def opinion_unmask(request, pk):
    return _unmasked(request, _opinion(request, pk))


@requires("desk.use")
@require_POST
def visit_unmask(request, pk):
    return _unmasked(request, get_scoped_or_404(VisitLog, request.user, pk=pk))


# ---------------------------------------------------------------------------------------------------------
# Ledger: export, template, import with preview


@requires("desk.use")
def ledger_page(request, code):
    station = access_station_by_code(request.user, code)
    today = timezone.localdate()
    return render(
        request,
        "desk/station/ledger.html",
        {
            "station": station,
            "range_form": LedgerRangeForm(initial={"start": f"{today.year}-01", "end": f"{today:%Y-%m}"}),
            "import_form": LedgerImportForm(),
            "can_unmask": can_unmask(request.user),
        },
    )


@requires("ledger.export")
def ledger_export(request, code):
    station = access_station_by_code(request.user, code)
    form = LedgerRangeForm(request.GET)
    if not form.is_valid():
        return HttpResponse("; ".join(e for errors in form.errors.values() for e in errors), status=400)
    start, end = form.cleaned_data["start_month"], form.cleaned_data["end_month"]
    stream = ledger.export_ledger(
        user=request.user, station=station, start=start, end=end, unmasked=form.cleaned_data["unmasked"]
    )
    name = f"ledger-{station.code}-{start:%Y%m}-{end:%Y%m}.xlsx"
    return FileResponse(stream, as_attachment=True, filename=name, content_type=XLSX)


@requires("ledger.import")
def ledger_template(request, code):
    station = access_station_by_code(request.user, code)
    return FileResponse(
        ledger.template_workbook(),
        as_attachment=True,
        filename=f"ledger-template-{station.code}.xlsx",
        content_type=XLSX,
    )


@requires("ledger.import")
@require_POST
def ledger_import(request, code):
    """Step 1 (a file): check every row of every sheet (the saves themselves run and are rolled back) and show
    the preview: per sheet the rows new, changed, unchanged and in error, every error and every change. Step 2
    (the preview's token): save that same file, all rows or none, and show what was saved."""
    station = access_station_by_code(request.user, code)
    token = request.POST.get("token", "")
    if token:
        key = f"ledger-import:{request.user.pk}:{station.pk}:{token}"
        data = cache.get(key)
        if data is None or not cache.add(f"{key}:taken", 1, IMPORT_TTL):  # a second click saves nothing twice
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("desk:ledger", code=station.code)
        result = ledger.import_ledger(by=request.user, station=station, data=data, dry_run=False)
        cache.delete(key)
        context = {"station": station, "result": result}
        return render(request, "desk/station/ledger_preview.html", context, status=200 if result.saved else 400)
    form = LedgerImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "desk/station/ledger.html",
            {"station": station, "import_form": form, "range_form": LedgerRangeForm()},
            status=400,
        )
    upload = form.cleaned_data["file"]
    if upload.size > ledger.MAX_FILE_BYTES:
        data, result = b"", ledger.too_big()
    else:
        data = upload.read()
        result = ledger.import_ledger(by=request.user, station=station, data=data, dry_run=True)
    context = {"station": station, "result": result}
    if result.ok and result.to_save:
        token = secrets.token_urlsafe(16)
        cache.set(f"ledger-import:{request.user.pk}:{station.pk}:{token}", data, IMPORT_TTL)
        context["token"] = token
    return render(request, "desk/station/ledger_preview.html", context, status=200 if result.ok else 400)
