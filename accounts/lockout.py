"""What a locked-out sign-in sees (django-axes ``AXES_LOCKOUT_CALLABLE``): JSON for the API, a page otherwise."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def locked_out(request, credentials=None, *args, **kwargs):
    minutes = 15
    message = _("Too many failed sign-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429, headers={"Retry-After": str(minutes * 60)})
    return render(request, "registration/locked_out.html", {"message": message}, status=429)
