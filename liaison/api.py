"""API conventions shared by every endpoint: pagination, error bodies, scoped viewsets, domain errors."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    """An expected failure of a service (a rule of the domain said no). The API turns it into a 4xx."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, message, *, code: str = "invalid", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class ConflictError(DomainError):
    """The record's current state does not allow the operation (e.g. a workflow action from a wrong status)."""

    status_code = status.HTTP_409_CONFLICT


def exception_handler(exc, context):
    """DRF's handler plus domain and Django errors, so every error body is ``{"detail": ...}`` or field errors."""
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": exc.code, **exc.extra}
        return Response(body, status=exc.status_code)
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

    permission_classes = []  # reading public fields needs no login; the queryset decides what is visible
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
