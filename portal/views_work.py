"""Public pages of deputies' work: a station's activity plan and recent activities, the year-end survey ballot."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from activities import selectors as activity_selectors
from core import ratelimit
from core.errors import DomainError
from core.pages import public_page
from stations.models import Station
from surveys import services as survey_services
from surveys.forms import BallotForm
from surveys.models import Survey


@public_page
@require_http_methods(["GET", "POST"])
def survey_respond(request, token):
    """The public ballot page reached by link or QR code: no login, one ballot per phone, rate-limited."""
    survey = get_object_or_404(Survey.objects.select_related("station"), token=token, station__is_active=True)
    questions = list(survey.questions.select_related("deputy").order_by("order", "id"))
    form = BallotForm(request.POST or None, questions=questions, with_phone=True)
    status = 200
    if request.method == "POST":
        if not ratelimit.hit("survey-submit", request=request, key=str(survey.pk)).allowed:
            form.add_error(None, _("Too many ballots from here; please try again later."))
            status = 429
        elif form.is_valid():
            try:
                survey_services.survey_respond_online(
                    survey=survey, phone=form.cleaned_data["phone"], ratings=form.ratings()
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                return render(request, "portal/survey_thanks.html", {"survey": survey})
        else:
            status = 400
    return render(
        request,
        "portal/survey_respond.html",
        {"survey": survey, "form": form, "is_open": survey.is_open()},
        status=status,
    )


@public_page
def station_activities(request, code):
    """Public: a station's published activity plan of the year and its recent activities."""
    station = get_object_or_404(Station.objects.active().select_related("street"), code=code)
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= this_year + 1 else this_year
    plan = activity_selectors.activity_plan_public(station=station, year=year)
    activities = (
        activity_selectors.activity_public_list().filter(station=station, date__year=year).order_by("-date", "-id")
    )
    page = Paginator(activities, 20).get_page(request.GET.get("page"))
    quarters = activity_selectors.quarterly_activity_counts(station_ids=[station.pk], year=year)[station.pk]
    return render(
        request,
        "portal/station_activities.html",
        {
            "station": station,
            "year": year,
            "years": list(range(this_year + 1, this_year - 4, -1)),
            "plan": plan,
            "page": page,
            "quarters": quarters,
        },
    )
