from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.access import has_permission
from core.admin import ScopedAdmin

from .delivery import notices_resend
from .models import Notice, Subscriber


class NoticeAdminAccess:
    """Notices and subscribers: county staff and administrators only (they name recipients)."""

    view_permission = "notice.view"

    def has_module_permission(self, request):
        return super().has_module_permission(request) and has_permission(request.user, self.view_permission)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(Notice)
class NoticeAdmin(NoticeAdminAccess, ScopedAdmin):
    list_display = ["id", "kind", "reception_day", "recipient", "channel", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["recipient", "key"]
    list_select_related = ["reception_day__station"]
    readonly_fields = [f.name for f in Notice._meta.fields]
    actions = ["resend_failed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return has_permission(request.user, "notice.resend")

    @admin.action(description=_("Resend the selected failed notices"), permissions=["resend"])
    def resend_failed(self, request, queryset):
        count = notices_resend(notice_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(n)d failed notices queued again.") % {"n": count})


@admin.register(Subscriber)
class SubscriberAdmin(NoticeAdminAccess, ScopedAdmin):
    """Residents' sign-ups, with the address masked: nobody reads it in full here."""

    view_permission = "subscriber.view"

    list_display = ["station", "channel", "masked_address", "confirmed_at", "created_at"]
    list_filter = ["channel", "station__street"]
    search_fields = ["station__code"]
    list_select_related = ["station"]
    fields = ["station", "channel", "masked_address", "confirmed_at", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
