"""Admin conventions: every admin page lists and finds records through the same scoping as the API."""

from django.contrib import admin
from django.http import Http404

from accounts.models import Role

EDIT_ROLES = (Role.ADMIN, Role.COUNTY)


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose queryset is ``for_user(request.user)``: a record outside the scope is a 404.

    County staff may add and change records in their scope; street staff may look; only system
    administrators delete.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def get_object(self, request, object_id, from_field=None):
        # Django's admin redirects to its index for a missing object; a record outside the scope is a 404.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def _role(self, request):
        return getattr(request.user, "role", "")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser or self._role(request) in EDIT_ROLES

    def has_add_permission(self, request):
        return self.has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser or self._role(request) == Role.ADMIN

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choices of scoped models are scoped too, so nobody can attach a record to another area's station.
        related = db_field.related_model
        if hasattr(related.objects, "for_user") and not request.user.is_superuser:
            kwargs.setdefault("queryset", related.objects.for_user(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
