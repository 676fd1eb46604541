from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.access import has_permission

from .models import User

# Django stores the names of its default permissions in English ("Can add deputy") when it creates them; the
# admin shows them in the reader's language instead.
DEFAULT_PERMISSIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission) -> str:
    """ "App | model | what it allows", in the reader's language (custom permissions: their model's own name)."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    opts = model._meta
    action = permission.codename.split("_", 1)[0]
    if permission.codename == f"{action}_{opts.model_name}" and action in DEFAULT_PERMISSIONS:
        name = DEFAULT_PERMISSIONS[action] % {"model": opts.verbose_name}
    else:
        name = dict(opts.permissions).get(permission.codename, permission.name)
        name = gettext(name) if isinstance(name, str) else str(name)
    return f"{apps.get_app_config(opts.app_label).verbose_name} | {opts.verbose_name} | {name}"


def _manages_accounts(self, request, obj=None) -> bool:
    # Anonymous users (the login page asks before anyone signs in) hold no permission.
    return has_permission(request.user, "accounts.manage")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are reference data managed by system administrators only."""

    list_display = ["username", "full_name", "role", "area", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = [*BaseUserAdmin.fieldsets, (_("Role"), {"fields": ["role", "area", "phone"]})]
    add_fieldsets = [*BaseUserAdmin.add_fieldsets, (_("Role"), {"fields": ["role", "area"]})]

    has_module_permission = _manages_accounts
    has_view_permission = has_change_permission = has_add_permission = has_delete_permission = _manages_accounts

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj):
        return obj.get_full_name()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "user_permissions" and field is not None:
            field.label_from_instance = permission_label
        return field
