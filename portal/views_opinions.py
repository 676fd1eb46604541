"""Public pages of the opinion loop: the QR form, tracking, the QR code and the printable poster.

No login and no personal data: a citizen's name and phone are never rendered here, and free text shown to the
public (the answer, a rejection reason) passes through ``scrub_text`` (phones, ID numbers, the citizen's name).
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from core import ratelimit
from core.errors import DomainError
from core.pages import public_page
from core.privacy import scrub_text
from stations.models import Station
from visits import selectors, services
from visits.codes import normalise_tracking_code
from visits.forms import PublicOpinionForm, RatingForm, TrackLookupForm, apply_service
from visits.models import Opinion


def public_url(request, path: str) -> str:
    """Absolute URL for printed material and QR codes: the host the page was asked for."""
    return request.build_absolute_uri(path)


def opinion_form_url(request, station: Station) -> str:
    return public_url(request, f"{reverse('portal:opinion_new')}?station={station.code}")


@public_page
@require_http_methods(["GET", "POST"])
def opinion_new(request):
    code = (request.POST.get("station") or request.GET.get("station") or "").strip().upper()
    station = Station.objects.active().filter(code=code).first() if code else None
    if station is None:
        stations = Station.objects.active().select_related("street").order_by("code")
        status = 404 if code else 200
        return render(request, "portal/choose_station.html", {"stations": stations, "code": code}, status=status)
    form = PublicOpinionForm(request.POST or None)
    if request.method == "POST":
        decision = ratelimit.hit("opinion-submit", request=request)
        wait = decision.retry_after
        if not decision.allowed:
            context = {"wait": int(wait or 60), "unavailable": decision.unavailable}
            response = render(request, "portal/throttled.html", context, status=429)
            response["Retry-After"] = str(int(wait or 60))
            return response
        if form.is_valid():
            if form.cleaned_data["website"]:
                form.add_error(None, _("Submission rejected."))
            else:
                data = form.cleaned_data
                submitted = apply_service(
                    form,
                    lambda: services.opinion_create(
                        by=None,
                        station=station,
                        channel=Opinion.Channel.ONLINE,
                        content=data["content"],
                        category=data["category"],
                        citizen_name=data["citizen_name"],
                        citizen_phone=data["citizen_phone"],
                        send_sms=bool(data["send_sms"]),
                    ),
                )
                if submitted is not None:
                    sms = bool(data["send_sms"] and submitted.opinion.citizen_phone)
                    return render(
                        request,
                        "portal/submitted.html",
                        {
                            "opinion": submitted.opinion,
                            "rating_key": submitted.rating_key,
                            "sms": sms,
                            "track_url": public_url(
                                request, reverse("portal:track", args=[submitted.opinion.tracking_code])
                            ),
                        },
                        status=201,
                    )
        status = 400
    else:
        status = 200
    return render(request, "portal/opinion_new.html", {"station": station, "form": form}, status=status)


@public_page
def track_lookup(request):
    form = TrackLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("portal:track", tracking_code=normalise_tracking_code(form.cleaned_data["code"]))
    return render(request, "portal/track_lookup.html", {"form": form})


def _rating_attempts_key(opinion: Opinion) -> str:
    return f"opinion-rating-fail:{opinion.pk}"


@public_page
@require_http_methods(["GET", "POST"])
def track(request, tracking_code):
    opinion = selectors.opinion_by_tracking_code(tracking_code)
    if opinion is None:
        return render(request, "portal/track_lookup.html", {"form": TrackLookupForm(), "not_found": True}, status=404)
    if opinion.tracking_code != tracking_code:
        return redirect("portal:track", tracking_code=opinion.tracking_code)
    rating_form = RatingForm(request.POST or None) if opinion.status == Opinion.Status.ANSWERED else None
    message, status = "", 200
    if request.method == "POST":
        if rating_form is None:
            message, status = _("This opinion is not waiting for a rating."), 409
        elif cache.get(_rating_attempts_key(opinion), 0) >= settings.OPINION_RATING_ATTEMPTS_PER_HOUR:
            message, status = _("Too many wrong attempts. Please try again in an hour."), 429
        elif rating_form.is_valid():
            try:
                result = apply_service(
                    rating_form,
                    lambda: services.opinion_rate_by_citizen(
                        tracking_code=opinion.tracking_code,
                        satisfied=rating_form.cleaned_data["satisfied"],
                        proof=rating_form.cleaned_data["proof"],
                    ),
                )
            except DomainError as exc:
                result, message, status = None, exc.message, exc.status_code
            if result is not None:
                return redirect("portal:track", tracking_code=opinion.tracking_code)
            if rating_form.errors:
                attempts_key = _rating_attempts_key(opinion)
                cache.add(attempts_key, 0, 3600)
                cache.incr(attempts_key)
                status = 400
        else:
            status = 400
    names = [opinion.citizen_name] if opinion.citizen_name else []
    events = [
        {
            "at": e.at,
            "action": e.get_action_display(),
            "to_status": e.get_to_status_display(),
            "note": scrub_text(e.note, names=names) if e.action in ("answer", "reject") else "",
        }
        for e in opinion.events.all()
    ]
    context = {
        "opinion": opinion,
        "events": events,
        "answer": scrub_text(opinion.answer, names=names),
        "rating_form": rating_form,
        "message": message,
    }
    return render(request, "portal/track.html", context, status=status)


def _public_station(code: str) -> Station:
    return get_object_or_404(Station.objects.active(), code=code)


@public_page
@cache_control(max_age=3600, public=True)
def station_qr(request, code):
    station = _public_station(code)
    qr = segno.make(opinion_form_url(request, station), error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=8, border=2, title=station.name, xmldecl=False, svgns=True)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@public_page
def poster(request, code):
    station = _public_station(code)
    if not station:
        raise Http404
    return render(
        request,
        "portal/poster.html",
        {"station": station, "form_url": opinion_form_url(request, station)},
    )
