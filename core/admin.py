"""Admin conventions: every admin page lists and finds records through the same scoping as the API, and who may
look, change or delete is the permission table (``admin.view``, ``admin.change``, ``admin.delete``)."""

from django.contrib import admin
from django.db import models
from django.http import Http404

from .access import has_permission
from .uploads import BoundedFileField, BoundedImageField

# Uploads through the admin are bounded like everywhere else (``core.uploads``); inlines set it too.
BOUNDED_UPLOADS = {
    models.ImageField: {"form_class": BoundedImageField},
    models.FileField: {"form_class": BoundedFileField},
}


def can_open_admin(request) -> bool:
    """A staff account (``is_staff``) whose role holds ``admin.view``; anonymous and inactive users hold nothing."""
    return bool(getattr(request.user, "is_staff", False)) and has_permission(request.user, "admin.view")


def can_change_in_admin(request) -> bool:
    return has_permission(request.user, "admin.change")


def can_delete_in_admin(request) -> bool:
    return has_permission(request.user, "admin.delete")


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose queryset is ``for_user(request.user)``: a record outside the scope is a 404.

    County staff may add and change records in their scope; street staff may look; only system
    administrators delete.
    """

    formfield_overrides = BOUNDED_UPLOADS

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def get_object(self, request, object_id, from_field=None):
        # Django's admin redirects to its index for a missing object; a record outside the scope is a 404.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_module_permission(self, request):
        return can_open_admin(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return can_change_in_admin(request)

    def has_add_permission(self, request):
        return self.has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return can_delete_in_admin(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choices of scoped models are scoped too, so nobody can attach a record to another area's station.
        related = db_field.related_model
        if hasattr(related.objects, "for_user") and not request.user.is_superuser:
            kwargs.setdefault("queryset", related.objects.for_user(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
