"""Pages of deputies' work: the deputy's desk, duty records (with PDF and Excel), surveys (the public ballot
page, results with the QR code, paper-ballot entry) and a station's public activity plan."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from activities import selectors as activity_selectors
from activities import services as activity_services
from activities.forms import ActivityForm, PlanItemForm
from activities.models import ActivityPlan
from core.access import Role, effective_role, get_scoped_or_404, has_permission
from core.errors import DomainError
from core.pages import requires
from core.privacy import PUBLIC_TEXT_WARNING, has_personal_data
from deputies import selectors
from deputies.models import Deputy
from notices.selectors import inbox_for
from reports import duty_record_exports, duty_records
from stations.models import Station
from suggestions import selectors as suggestion_selectors
from surveys import selectors as survey_selectors
from surveys import services as survey_services
from surveys.forms import BallotForm
from surveys.models import Survey

RECORD_PAGE_SIZE = 50


def _is_deputy(user) -> bool:
    return effective_role(user) == Role.DEPUTY


def _year(request) -> int:
    """``?year=`` among the years a record exists for; anything else is this year."""
    years = duty_records.duty_record_years()
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and int(raw) in years else years[0]


def _own_deputy(user) -> Deputy | None:
    return Deputy.objects.filter(user=user).first()


def _record_deputy(request, pk: int) -> Deputy:
    """A deputy may open only their own record; staff the records of deputies in their scope; else 404. The
    page itself needs duty_record.view."""
    user = request.user
    if _is_deputy(user):
        own = _own_deputy(user)
        if own is None or own.pk != pk:
            raise Http404
        return own
    return get_scoped_or_404(Deputy, user, pk=pk)


@requires("duty_record.view")
def deputy_desk(request):
    """The deputy's desk at /desk/: their stations, next duty days, inbox, suggestions and duty record."""
    deputy = _own_deputy(request.user)
    if deputy is None:
        raise Http404
    year = _year(request)
    record = duty_records.duty_record(deputy_id=deputy.pk, year=year)
    context = {
        "deputy": deputy,
        "record": record,
        "year": year,
        "years": duty_records.duty_record_years(),
        "next_days": selectors.next_duty_days(deputy=deputy),
        "suggestions": suggestion_selectors.deputy_suggestions(deputy=deputy, limit=10),
        "survey_results": survey_selectors.deputy_survey_results(deputy=deputy, year=year),
        "inbox": inbox_for(user=request.user),
    }
    return render(request, "desk/deputies/desk.html", context)


@requires("desk.use")
def record_list(request):
    """Staff: the duty records of the deputies in their scope for a year (one query for the whole page)."""
    year = _year(request)
    q = request.GET.get("q", "").strip()[:50]
    station_code = request.GET.get("station", "").strip()[:20]
    deputies = Deputy.objects.for_user(request.user)
    if q:
        deputies = deputies.filter(name__icontains=q)
    if station_code:
        deputies = deputies.filter(memberships__station__code=station_code).distinct()
    deputies = duty_records.deputies_with_duty_record(deputies.order_by("id"), year=year)
    page = Paginator(deputies, RECORD_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(deputy, list(duty_records.record_values(deputy).values())) for deputy in page]
    return render(
        request,
        "desk/deputies/record_list.html",
        {
            "page": page,
            "rows": rows,
            "year": year,
            "years": duty_records.duty_record_years(),
            "q": q,
            "station_code": station_code,
            "fields": duty_records.DUTY_RECORD_FIELDS,
        },
    )


def _record_and_details(request, pk):
    deputy = _record_deputy(request, pk)
    year = _year(request)
    record = duty_records.duty_record(deputy_id=deputy.pk, year=year)
    return record, duty_records.duty_record_details(deputy=deputy, year=year)


@requires("duty_record.view")
def record_detail(request, pk):
    record, details = _record_and_details(request, pk)
    return render(
        request,
        "desk/deputies/record_detail.html",
        {
            "record": record,
            "details": details,
            "year": record.year,
            "years": duty_records.duty_record_years(),
            "own": _is_deputy(request.user),
        },
    )


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@requires("duty_record.view")
def record_pdf(request, pk):
    record, details = _record_and_details(request, pk)
    return _download(
        duty_record_exports.duty_record_pdf(record, details),
        content_type="application/pdf",
        filename=f"duty-record-{record.deputy.pk}-{record.year}.pdf",
    )


@requires("duty_record.view")
def record_xlsx(request, pk):
    record, details = _record_and_details(request, pk)
    return _download(
        duty_record_exports.duty_record_xlsx(record, details),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=f"duty-record-{record.deputy.pk}-{record.year}.xlsx",
    )


# --- surveys --------------------------------------------------------------------------------------------------


def _public_survey_url(request, survey: Survey) -> str:
    return request.build_absolute_uri(reverse("portal:survey-respond", kwargs={"token": survey.token}))


@requires("survey.view")
def survey_list(request):
    year_raw = request.GET.get("year", "")
    surveys = survey_selectors.survey_list_base().for_user(request.user).order_by("-year", "station__code")
    if year_raw.isdigit():
        surveys = surveys.filter(year=int(year_raw))
    page = Paginator(surveys, RECORD_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "desk/deputies/survey_list.html", {"page": page, "year": year_raw})


@requires("survey.view")
def survey_detail(request, pk):
    survey = get_scoped_or_404(Survey.objects.select_related("station"), request.user, pk=pk)
    return render(
        request,
        "desk/deputies/survey_detail.html",
        {
            "survey": survey,
            "results": survey_selectors.survey_results(survey=survey),
            "public_url": _public_survey_url(request, survey),
        },
    )


@requires("survey.view")
def survey_qr(request, pk):
    """The QR code of the survey's public link, as SVG (print it on the notice of the duty report)."""
    survey = get_scoped_or_404(Survey, request.user, pk=pk)
    buffer = io.BytesIO()
    segno.make(_public_survey_url(request, survey), error="m").save(buffer, kind="svg", scale=6, border=2)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@requires("survey.ballot")
@require_http_methods(["GET", "POST"])
def survey_ballot(request, pk):
    """Paper-ballot entry for station staff: each submitted form is one ballot."""
    survey = get_scoped_or_404(Survey.objects.select_related("station"), request.user, pk=pk)
    questions = list(survey.questions.select_related("deputy").order_by("order", "id"))
    form = BallotForm(request.POST or None, questions=questions, with_phone=False)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                survey_services.survey_record_paper_ballot(survey=survey, ratings=form.ratings(), by=request.user)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(request, _("Ballot recorded."))
                return redirect("desk:survey-ballot", pk=survey.pk)
        else:
            status = 400
    results = survey_selectors.survey_results(survey=survey)
    context = {
        "survey": survey,
        "form": form,
        "results": results,
        "accepting": survey_services.paper_ballots_accepted(survey),
    }
    return render(request, "desk/deputies/survey_ballot.html", context, status=status)


# --- the station's activities and yearly plan at the desk -------------------------------------------------------


def _desk_station(request) -> Station:
    """``?station=CODE`` among the stations in the user's scope (404 outside it); default: the first one."""
    code = request.GET.get("station", "")
    if code:
        return get_scoped_or_404(Station.objects.active(), request.user, code=code)
    station = Station.objects.active().for_user(request.user).order_by("code").first()
    if station is None:
        raise Http404
    return station


def _desk_year(request) -> int:
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and this_year - 5 <= int(raw) <= this_year + 1 else this_year


def _residents(station):
    from stations.models import Membership

    return Deputy.objects.filter(pk__in=Membership.objects.current().filter(station=station).values("deputy"))


@requires("desk.use")
@require_http_methods(["GET", "POST"])
def desk_activities(request):
    """A station's activities of the year by quarter, with the form to record one (station staff)."""
    station = _desk_station(request)
    year = _desk_year(request)
    can_write = has_permission(request.user, "activity.write")
    residents = _residents(station).order_by("name")
    form = ActivityForm(request.POST or None, request.FILES or None, residents=residents)
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied  # a role refusal: 403
        if form.is_valid():
            data = form.cleaned_data
            try:
                activity_services.activity_create(
                    station=station,
                    kind=data["kind"],
                    date=data["date"],
                    title=data["title"],
                    deputies=data["deputies"],
                    people_reached=data["people_reached"],
                    campaign=data["campaign"],
                    summary=data["summary"],
                    photos=[data["photo"]] if data.get("photo") else [],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(request, _("Activity recorded."))
                if any(has_personal_data(data.get(f)) for f in ("title", "summary")):
                    messages.warning(request, PUBLIC_TEXT_WARNING)  # saved; the public pages mask it
                return redirect(f"{reverse('desk:activities')}?station={station.code}&year={data['date'].year}")
        else:
            status = 400
    activities = (
        activity_selectors.activity_list_base().filter(station=station, date__year=year).order_by("-date", "-id")
    )
    page = Paginator(activities, 20).get_page(request.GET.get("page"))
    context = {
        "station": station,
        "stations": Station.objects.active().for_user(request.user).order_by("code"),
        "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 3, -1)),
        "quarters": activity_selectors.quarterly_activity_counts(station_ids=[station.pk], year=year)[station.pk],
        "page": page,
        "form": form,
        "can_write": can_write,
    }
    return render(request, "desk/deputies/desk_activities.html", context, status=status)


@requires("desk.use")
@require_http_methods(["GET", "POST"])
def desk_plan(request):
    """A station's yearly activity plan: add items, remove one, publish (station staff)."""
    station = _desk_station(request)
    year = _desk_year(request)
    can_write = has_permission(request.user, "activity_plan.write")
    plan = (
        ActivityPlan.objects.filter(station=station, year=year)
        .prefetch_related(Prefetch("items", queryset=activity_selectors.plan_items_in_order()))
        .first()
    )
    form = PlanItemForm(request.POST if request.POST.get("action") == "add" else None)
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied  # a role refusal: 403
        items = [
            {"month": i.month, "quarter": i.quarter, "kind": i.kind, "title": i.title, "description": i.description}
            for i in (plan.items.all() if plan else [])
        ]
        action = request.POST.get("action")
        try:
            if action == "add" and form.is_valid():
                activity_services.activity_plan_save(
                    station=station, year=year, items=[*items, form.item()], by=request.user
                )
            elif action == "remove":
                index = int(request.POST.get("index", "-1"))
                if not 0 <= index < len(items):
                    raise DomainError(_("No such item."))
                activity_services.activity_plan_save(
                    station=station, year=year, items=items[:index] + items[index + 1 :], by=request.user
                )
            elif action == "publish" and plan is not None:
                activity_services.activity_plan_publish(plan=plan, by=request.user)
            else:
                raise DomainError(_("Nothing to do."))
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, _("Plan saved."))
            return redirect(f"{reverse('desk:activity-plan')}?station={station.code}&year={year}")
    context = {
        "station": station,
        "stations": Station.objects.active().for_user(request.user).order_by("code"),
        "year": year,
        "years": list(range(timezone.localdate().year + 1, timezone.localdate().year - 3, -1)),
        "plan": plan,
        "form": form,
        "can_write": can_write,
    }
    return render(request, "desk/deputies/desk_plan.html", context, status=status)
