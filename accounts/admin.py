from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from core.access import has_permission

from .models import User


def _manages_accounts(self, request, obj=None) -> bool:
    # Anonymous users (the login page asks before anyone signs in) hold no permission.
    return has_permission(request.user, "accounts.manage")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are reference data managed by system administrators only."""

    list_display = ["username", "get_full_name", "role", "area", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = [*BaseUserAdmin.fieldsets, (_("Role"), {"fields": ["role", "area", "phone"]})]
    add_fieldsets = [*BaseUserAdmin.add_fieldsets, (_("Role"), {"fields": ["role", "area"]})]

    has_module_permission = _manages_accounts
    has_view_permission = has_change_permission = has_add_permission = has_delete_permission = _manages_accounts
