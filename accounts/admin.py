from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are reference data managed by system administrators only."""

    list_display = ["username", "get_full_name", "role", "area", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = [*BaseUserAdmin.fieldsets, (_("Role"), {"fields": ["role", "area", "phone"]})]
    add_fieldsets = [*BaseUserAdmin.add_fieldsets, (_("Role"), {"fields": ["role", "area"]})]

    def has_module_permission(self, request):
        return request.user.is_superuser or request.user.role == "admin"

    has_view_permission = has_change_permission = has_add_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_superuser or request.user.role == "admin"
    )
