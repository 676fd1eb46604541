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


class KindFilter(admin.SimpleListFilter):
    """``kind`` is free text (each app records its own kinds): filter by it with the notices' own words."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        notices = model_admin.get_queryset(request)
        labels = {}
        for kind in notices.order_by("kind").values_list("kind", flat=True).distinct():
            sample = notices.filter(kind=kind).only("kind", "title").first()
            labels[kind] = sample.kind_label
        return sorted(labels.items(), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notice)
class NoticeAdmin(NoticeAdminAccess, ScopedAdmin):
    list_display = ["id", "kind_label", "reception_day", "recipient", "channel", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", KindFilter]
    search_fields = ["recipient", "key"]
    list_select_related = ["reception_day__station"]
    exclude = ["kind"]  # free text: shown as kind_label
    readonly_fields = ["kind_label", *[f.name for f in Notice._meta.fields if f.name != "kind"]]
    actions = ["resend_failed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        return obj.kind_label

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

    list_display = ["station", "channel", "address_masked", "confirmed_at", "created_at"]
    list_filter = ["channel", "station__street"]
    search_fields = ["station__code"]
    list_select_related = ["station"]
    fields = ["station", "channel", "address_masked", "confirmed_at", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("address (masked)"))
    def address_masked(self, obj):
        return obj.masked_address

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
