"""Public pages of the notices capability: reminder sign-up (double opt-in), unsubscribe (a GET asks, a POST
does it), a station's calendar feed; and the signed-in user's "mark as read" for the in-site inbox.

Sign-up stores the minimum (station, one phone number or e-mail address) and never shows an address in full. The
pending sign-up is tracked in the visitor's session, not in the address bar, so nobody learns whether an address
is already subscribed, and an unsubscribe link only ever travels in the messages sent to that address.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from django import forms
from django.conf import settings
from django.core.validators import validate_email
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from core import ratelimit
from core.errors import DomainError
from core.pages import public_page
from core.privacy import mask_contact
from notices import services
from notices.models import Channel, Subscriber
from stations import selectors as station_selectors
from stations.models import Station

from . import ics

SESSION_KEY = "stations_subscribe_pending"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class SubscribeForm(forms.Form):
    contact = forms.CharField(
        label=gettext_lazy("Mobile phone or e-mail"),
        max_length=254,
        help_text=gettext_lazy("Used only to remind you of this station's reception days; never shown to anyone."),
        widget=forms.TextInput(attrs={"autocomplete": "email tel", "inputmode": "email"}),
    )

    def clean_contact(self) -> tuple[str, str]:
        value = self.cleaned_data["contact"].strip()
        if "@" in value:
            try:
                validate_email(value)
            except forms.ValidationError:
                raise forms.ValidationError(_("Enter a valid e-mail address.")) from None
            local, _sep, domain = value.rpartition("@")
            return Channel.EMAIL, f"{local}@{domain.lower()}"
        phone = re.sub(r"[\s\-()（）]", "", value)
        phone = re.sub(r"^(\+?86)(?=1\d{10}$)", "", phone)
        if not MOBILE_RE.match(phone):
            raise forms.ValidationError(_("Enter a mainland mobile number (11 digits) or an e-mail address."))
        return Channel.SMS, phone


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Confirmation code"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"}),
    )


def _rate_limited(request, address: str) -> bool:
    per_client = ratelimit.hit("subscribe-ip", request=request)
    per_address = ratelimit.hit("subscribe-address", key=address)
    return not (per_client.allowed and per_address.allowed)


def _station(code: str | None) -> Station:
    code = (code or "").strip().upper()
    if not code or len(code) > 20:
        raise Http404(_("No such station."))
    return get_object_or_404(Station.objects.active(), code=code)


@public_page
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """Step one: the resident leaves a phone number or an e-mail address; a code is sent to it."""
    station = _station(request.GET.get("station") or request.POST.get("station"))
    form = SubscribeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        channel, address = form.cleaned_data["contact"]
        if _rate_limited(request, address):
            form.add_error(None, _("Too many sign-ups from here. Please try again in an hour."))
            status = 429
        else:
            try:
                subscriber = services.subscription_request(station=station, channel=channel, address=address)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                request.session[SESSION_KEY] = {
                    "id": subscriber.pk,
                    "station": station.code,
                    "masked": mask_contact(address),
                }
                return redirect("portal:subscribe_confirm")
    return render(request, "portal/subscribe.html", {"station": station, "form": form}, status=status)


@public_page
@require_http_methods(["GET", "POST"])
def subscribe_confirm(request):
    """Step two: the code that was sent. An address already subscribed gets no code and this page stays as is."""
    pending = request.session.get(SESSION_KEY)
    if not pending:
        return redirect("portal:directory")
    station = _station(pending["station"])
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subscriber = Subscriber.objects.filter(pk=pending["id"], station=station).first()
        if subscriber is None:
            form.add_error(None, _("The sign-up has expired. Please start again."))
        else:
            try:
                services.subscription_confirm(subscriber=subscriber, code=form.cleaned_data["code"])
            except DomainError as exc:
                form.add_error("code", exc.message)
            else:
                del request.session[SESSION_KEY]
                return render(request, "portal/subscribe_done.html", {"station": station})
    return render(
        request,
        "portal/subscribe_confirm.html",
        {"station": station, "form": form, "masked": pending.get("masked", "")},
    )


def _unsubscribed(request, token: str):
    services.subscription_cancel(token=token)
    return render(request, "portal/subscribe_unsubscribed.html")


@public_page
@csrf_exempt  # checked below: only RFC 8058 one-click posts from mail clients go without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """The link in every message. GET only asks (a mail scanner following the link unsubscribes nobody); the
    button POSTs (CSRF-protected) and the subscription (the address) is deleted. Idempotent. A mail client's
    RFC 8058 one-click POST (``List-Unsubscribe=One-Click``, no cookie, no CSRF token) unsubscribes too: the
    token is the secret."""
    if len(token) > 64:
        raise Http404
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return _unsubscribed(request, token)
        return csrf_protect(_unsubscribed)(request, token)
    return render(request, "portal/subscribe_unsubscribe_confirm.html", {"token": token})


@public_page
@require_GET
def calendar_ics(request, code: str):
    station = _station(code)
    days = station_selectors.calendar_reception_days(station=station)
    url = request.build_absolute_uri(reverse("portal:detail", args=[station.code]))
    # UIDs must not change with the host name a client used: they come from the portal's configured address.
    uid_domain = urlparse(settings.PORTAL_URL).hostname or "liaison"
    body = ics.calendar(station=station, days=days, url=url, uid_domain=uid_domain)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{station.code}.ics"'
    response["Cache-Control"] = "public, max-age=300"
    return response
