"""Pages that belong to no single app."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.module_loading import import_string

from accounts.models import Role

# /desk/ is one address for everyone who works at a station; each role's desk lives in its own app.
DESKS = {
    Role.HEAD: "visits.views.station_desk",
    Role.OFFICER: "visits.views.station_desk",
    Role.STREET: "visits.views.station_desk",
    Role.COUNTY: "visits.views.station_desk",
    Role.ADMIN: "visits.views.station_desk",
    Role.DEPUTY: "deputies.views.deputy_desk",
}


@login_required
def desk(request):
    role = Role.ADMIN if request.user.is_superuser else request.user.role
    target = DESKS.get(role)
    if target is None:
        raise Http404
    return import_string(target)(request)
