"""The /desk/ dispatcher (one address for everyone who works at a station) and the in-site inbox."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST

from core.access import Role, effective_role
from core.pages import requires
from notices import selectors as notice_selectors
from notices import services as notice_services

# /desk/ is one address for everyone who works at a station; each role's desk lives in its own app.
DESKS = {
    Role.HEAD: "desk.views_station.station_desk",
    Role.OFFICER: "desk.views_station.station_desk",
    Role.STREET: "desk.views_station.station_desk",
    Role.COUNTY: "desk.views_station.station_desk",
    Role.ADMIN: "desk.views_station.station_desk",
    Role.DEPUTY: "desk.views_deputies.deputy_desk",
}


@requires("desk.home")
def desk(request):
    target = DESKS.get(effective_role(request.user))
    if target is None:
        raise Http404
    return import_string(target)(request)


@requires("desk.home")
@require_POST
def inbox_read(request, pk: int | None = None):
    """Mark one in-site message (or all) of the signed-in user read, then go back."""
    notice_services.inbox_mark_read(user=request.user, message_id=pk)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("desk:home")
    if request.headers.get("HX-Request"):
        return render(request, "desk/_inbox.html", {"inbox": notice_selectors.inbox_for(user=request.user)})
    return redirect(target)
