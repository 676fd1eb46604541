"""API conventions shared by every endpoint: error bodies, permission classes from the one table, scoped viewsets.

Pagination is ``core.pagination`` (DRF imports it while loading its generic views); the errors are
``core.errors``; who may do what is ``core.access.PERMISSIONS``.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, throttling, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import ratelimit
from .access import has_permission
from .errors import Conflict, ConflictError, DomainError, Invalid, NotPermitted, OutOfScope

__all__ = [
    "Allowed",
    "Conflict",
    "ConflictError",
    "DomainError",
    "Invalid",
    "NotPermitted",
    "OutOfScope",
    "PublicOrScopedReadOnlyViewSet",
    "ScopedReadOnlyViewSet",
    "ScopedViewSetMixin",
    "exception_handler",
]


def exception_handler(exc, context):
    """DRF's handler plus domain and Django errors, so every error body is ``{"detail": ...}`` or field errors."""
    if isinstance(exc, DomainError):
        return Response(exc.body(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, ProtectedError):
        return Response({"detail": str(_("The record is still referenced and cannot be deleted."))}, status=409)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


def Allowed(read: str | None = None, write: str | None = None, **per_action: str):  # a class factory
    """A DRF permission class derived from the permission table: ``read`` guards safe methods, ``write`` the
    others, ``per_action`` a viewset action by name (``Allowed("notice.view", resend="notice.resend")``).
    ``read=None`` leaves reading open (public fields); the scope still decides which rows are seen. The names
    are kept on the class so a test can check that every endpoint names permissions of the table."""

    class TablePermission(permissions.BasePermission):
        names = {"read": read, "write": write, **per_action}

        def has_permission(self, request, view):
            if request.method not in view.allowed_methods:
                return True  # the view answers 405 Method Not Allowed, whoever asks
            action = getattr(view, "action", None)
            if action in per_action:
                needed = per_action[action]
            elif request.method in permissions.SAFE_METHODS:
                needed = read
            else:
                needed = write
            if needed is None:  # open: the queryset (public or scoped) and the services decide
                return True
            if not (request.user and request.user.is_authenticated):
                raise exceptions.NotAuthenticated()
            return has_permission(request.user, needed)

    TablePermission.__name__ = f"Allowed[{read},{write}]"
    return TablePermission


class ScopedViewSetMixin:
    """Every staff endpoint starts from ``Model.objects.for_user(request.user)``: a record outside the
    user's scope is simply not found (404)."""

    def scoped_queryset(self, queryset):
        return queryset.for_user(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    base_queryset = None

    def get_queryset(self):
        return self.scoped_queryset(self.base_queryset)


class PublicOrScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only resource whose public fields anyone may read.

    Anonymous callers get ``public_queryset()`` through ``public_serializer_class``; a signed-in user gets the
    staff view, scoped by ``for_user``, so a staff user asking for a record outside their area gets 404.
    """

    permission_classes = [Allowed()]  # reading public fields needs no login; the queryset decides what is visible
    public_serializer_class = None
    staff_serializer_class = None

    @property
    def is_staff_view(self) -> bool:
        return bool(self.request and self.request.user and self.request.user.is_authenticated)

    def public_queryset(self):
        raise NotImplementedError

    def staff_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        if self.is_staff_view:
            return self.scoped_queryset(self.staff_queryset())
        return self.public_queryset()

    def get_serializer_class(self):
        return self.staff_serializer_class if self.is_staff_view else self.public_serializer_class


class RateLimitThrottle(throttling.BaseThrottle):
    """A DRF throttle over ``core.ratelimit``: an endpoint that shares a public page's limit (``limit_name``)."""

    limit_name = ""

    def allow_request(self, request, view):
        self.decision = ratelimit.hit(self.limit_name, request=request)
        return self.decision.allowed

    def wait(self):
        return self.decision.retry_after
