"""Pages and the kernel: one decorator guards a staff page with a permission of the table, one turns the
domain errors into pages (404, 403, or the page's own 400)."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from .access import has_permission
from .errors import DomainError, NotPermitted, OutOfScope

PUBLIC = "public"  # marks a page anyone may open (``public_page``): the URL test checks that every page says


def requires(permission: str):
    """Staff page: sign-in first (redirect to the login page), then ``permission`` of ``core.access.PERMISSIONS``
    (403 when the role lacks it). Domain errors raised inside are turned into pages by ``domain_errors``."""

    def decorate(view):
        mapped = domain_errors(view)

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_permission(request.user, permission):
                raise PermissionDenied
            return mapped(request, *args, **kwargs)

        wrapper.permission = permission
        return wrapper

    return decorate


def public_page(view):
    """A page anyone may open, signed in or not (the portal). Domain errors become pages too."""
    wrapped = domain_errors(view)
    wrapped.permission = PUBLIC
    return wrapped


def domain_errors(view):
    """``OutOfScope`` → 404, ``NotPermitted`` → 403, any other ``DomainError`` → a 400 page listing the
    messages. A view that renders its own form errors catches them first."""
    if getattr(view, "_maps_domain_errors", False):
        return view

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except OutOfScope as exc:
            raise Http404(str(exc.message)) from None
        except NotPermitted as exc:
            raise PermissionDenied(str(exc.message)) from None
        except DomainError as exc:
            return render(
                request, "bad_request.html", {"errors": exc.fields or {"": exc.messages()}}, status=exc.status_code
            )

    wrapper._maps_domain_errors = True
    return wrapper
