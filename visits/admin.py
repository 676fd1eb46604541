"""Admin of the ledger and its reference data. Personal data never appears unmasked here: the admin has no
unmasking log, so names and phones are shown masked and cannot be edited (the desk's unmask button logs)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.access import has_permission
from core.admin import ScopedAdmin, can_change_in_admin, can_delete_in_admin, can_open_admin
from core.models import CalendarException

from .models import Opinion, OpinionEvent, Outreach, PracticalMatter, ResponsibleUnit, UnmaskLog, VisitLog


class ReferenceDataAdmin(admin.ModelAdmin):
    """Tables every county shares (units, the working-day calendar): county staff and admins edit them."""

    def has_module_permission(self, request):
        return can_open_admin(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return can_change_in_admin(request)

    has_add_permission = lambda self, request: self.has_change_permission(request)  # noqa: E731

    def has_delete_permission(self, request, obj=None):
        return can_delete_in_admin(request)


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(ReferenceDataAdmin):
    list_display = ["name", "kind", "area", "is_active", "sort_order"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    list_editable = ["is_active", "sort_order"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(ReferenceDataAdmin):
    list_display = ["date", "name", "is_working_day"]
    list_filter = ["is_working_day", ("date", admin.DateFieldListFilter)]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(VisitLog)
class VisitLogAdmin(ScopedAdmin):
    list_display = ["date", "station", "people_count", "topics", "masked_visitor_name", "masked_visitor_phone"]
    list_filter = [("date", admin.DateFieldListFilter)]
    list_select_related = ["station"]
    search_fields = ["station__code", "station__name", "topics"]
    date_hierarchy = "date"
    exclude = ["visitor_name", "visitor_phone"]
    readonly_fields = ["masked_visitor_name", "masked_visitor_phone", "created_by", "created_at"]
    raw_id_fields = ["deputies", "reception_day"]

    @admin.display(description=_("visitor's name"))
    def masked_visitor_name(self, obj):
        return obj.masked_visitor_name

    @admin.display(description=_("visitor's phone"))
    def masked_visitor_phone(self, obj):
        return obj.masked_visitor_phone


@admin.register(Outreach)
class OutreachAdmin(ScopedAdmin):
    list_display = ["date", "deputy", "station", "place", "people_count"]
    list_select_related = ["deputy", "station"]
    search_fields = ["deputy__name", "station__code", "place"]
    date_hierarchy = "date"
    raw_id_fields = ["deputy"]
    readonly_fields = ["created_by", "created_at"]


class OpinionEventInline(admin.TabularInline):
    model = OpinionEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Opinion)
class OpinionAdmin(ScopedAdmin):
    """Opinions move only through their workflow (the desk or the API); the admin reads them."""

    list_display = ["tracking_code", "station", "status", "category", "unit", "received_at", "resolved"]
    list_filter = ["status", "channel", "resolved", "unit"]
    list_select_related = ["station", "unit"]
    search_fields = ["tracking_code", "station__code", "content"]
    date_hierarchy = "received_at"
    exclude = ["citizen_name", "citizen_phone", "rating_key_hash"]
    readonly_fields = [
        "tracking_code",
        "masked_citizen_name",
        "masked_citizen_phone",
        "status",
        "unit",
        "received_at",
        "registered_at",
        "assigned_at",
        "answered_at",
        "closed_at",
        "register_due",
        "assign_due",
        "answer_due",
        "rating",
        "resolved",
        "created_by",
    ]
    raw_id_fields = ["deputy", "visit_log"]
    inlines = [OpinionEventInline]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("citizen's name"))
    def masked_citizen_name(self, obj):
        return obj.masked_citizen_name

    @admin.display(description=_("citizen's phone"))
    def masked_citizen_phone(self, obj):
        return obj.masked_citizen_phone


@admin.register(PracticalMatter)
class PracticalMatterAdmin(ScopedAdmin):
    list_display = ["date", "title", "station", "beneficiaries", "source_opinion"]
    list_select_related = ["station", "source_opinion"]
    search_fields = ["title", "station__code"]
    date_hierarchy = "date"
    raw_id_fields = ["source_opinion"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(UnmaskLog)
class UnmaskLogAdmin(ScopedAdmin):
    """Who saw which record's personal data, when: read-only, for county staff and administrators."""

    list_display = ["at", "user", "record_type", "record_id", "station", "purpose"]
    list_filter = ["record_type"]
    list_select_related = ["user", "station"]
    search_fields = ["user__username", "station__code"]
    date_hierarchy = "at"

    def has_view_permission(self, request, obj=None):
        return has_permission(request.user, "unmask_log.view")

    def has_module_permission(self, request):
        return can_open_admin(request) and self.has_view_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
