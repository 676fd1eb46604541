"""Staff pages: the county dashboard, the evaluation (all stations, one sheet, the officer's live preview) and
their exports. Every page reads through the scoped selectors; anything outside the user's area is a 404."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import access_station_by_code, has_permission
from core.errors import DomainError
from core.pages import requires

from . import dashboard, evaluation, evaluation_pages, exports, selectors
from .models import StationEvaluation

# Selectors raise core.errors; ``requires`` turns them into pages: 404, 403 or the friendly 400 page.


def _back_to_overview(request):
    return redirect(f"{reverse('reports:evaluation')}?{urlencode({'year': request.POST.get('year', '')})}")


@requires("dashboard.view")
def dashboard_page(request):
    """/dashboard/: KPI cards, trends, drill-down, funnel, overdue list, ranking and map."""
    filters = dashboard.Filters.from_query(request.GET)
    context = dashboard.build(user=request.user, filters=filters)
    return render(request, "reports/dashboard.html", context)


@requires("evaluation.view")
def evaluation_overview(request):
    """All stations of a year side by side, sortable, with the 2-3-4-5 matrix (county and street staff)."""
    if not has_permission(request.user, "evaluation.overview"):
        return redirect("desk:evaluation")  # station staff and deputies: their own station's sheet
    context = evaluation_pages.overview(user=request.user, params=request.GET)
    context["can_compute"] = has_permission(request.user, "evaluation.compute")  # and publish: both county staff
    return render(request, "reports/evaluation_overview.html", context)


@requires("evaluation.view")
def evaluation_sheet(request, code):
    """One station's sheet with evidence; county staff score manual items and override here."""
    station = access_station_by_code(request.user, code)
    context = evaluation_pages.sheet(station=station, params=request.GET)
    context["can_score"] = has_permission(request.user, "evaluation.score")
    return render(request, "reports/evaluation_sheet.html", context)


@requires("evaluation.view")
def evaluation_preview(request):
    """The officer's live preview of their own station's sheet this year, with what to do to raise it."""
    context = evaluation_pages.preview(user=request.user, params=request.GET)
    return render(request, "reports/evaluation_preview.html", context)


@requires("evaluation.compute")
@require_POST
def evaluation_compute(request):
    try:
        scheme = evaluation.scheme_for_year(request.POST.get("year"))
        evaluation.compute_evaluation(scheme=scheme, by=request.user)
        messages.success(request, _("The %(year)s evaluation was recomputed.") % {"year": scheme.year})
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back_to_overview(request)


@requires("evaluation.score")
@require_POST
def evaluation_score(request, code):
    station = access_station_by_code(request.user, code)
    year = request.POST.get("year", "")
    try:
        sheet = evaluation_pages.sheet_for(station=station, year=year)
        evaluation.set_item_score(
            evaluation=sheet,
            item_code=request.POST.get("item", ""),
            score=request.POST.get("score", ""),
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
        messages.success(request, _("Score saved."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('reports:evaluation_sheet', args=[station.code])}?{urlencode({'year': year})}")


@requires("evaluation.publish")
@require_POST
def evaluation_publish(request):
    try:
        scheme = evaluation.scheme_for_year(request.POST.get("year"))
        if request.POST.get("action") == "unfreeze":
            evaluation.unfreeze(scheme=scheme, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The year is open for changes again."))
        else:
            evaluation.publish(scheme=scheme, by=request.user)
            messages.success(request, _("The year is published; its scores are frozen."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back_to_overview(request)


@requires("dashboard.export")
def dashboard_xlsx(request):
    filters = dashboard.Filters.from_query(request.GET)
    context = dashboard.build(user=request.user, filters=filters)
    return exports.dashboard_workbook(context=context)


@requires("evaluation.view")
def evaluation_xlsx(request):
    year = selectors.parse_year(request.GET.get("year"))
    evaluations = StationEvaluation.objects.for_user(request.user).filter(scheme__year=year)
    return exports.evaluation_workbook(evaluations=evaluations, year=year)


@requires("evaluation.view")
def evaluation_pdf(request, code):
    station = access_station_by_code(request.user, code)
    try:
        sheet = evaluation_pages.sheet_for(station=station, year=request.GET.get("year"))
    except DomainError as exc:
        raise Http404(exc.message) from None
    return exports.evaluation_pdf(sheet=sheet)


@requires("dashboard.export")
def annual_report_pdf(request):
    filters = dashboard.Filters.from_query(request.GET)
    return exports.annual_report_pdf(context=dashboard.build(user=request.user, filters=filters))
