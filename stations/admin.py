from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import BOUNDED_UPLOADS, ScopedAdmin

from .models import (
    Area,
    DutyRota,
    DutyRotaMember,
    Membership,
    ReceptionDay,
    Station,
    StationDocument,
    StationStaff,
)


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]


class StationStaffInline(admin.TabularInline):
    model = StationStaff
    extra = 0
    autocomplete_fields = ["user"]


class StationDocumentInline(admin.TabularInline):
    model = StationDocument
    extra = 0
    formfield_overrides = BOUNDED_UPLOADS
    exclude = ["uploaded_by"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["deputy"]
    verbose_name_plural = _("resident deputies")


@admin.register(Station)
class StationAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "street", "is_active"]
    list_filter = ["kind", "is_active", "street"]
    search_fields = ["code", "name", "address"]
    list_select_related = ["street"]
    inlines = [StationStaffInline, StationDocumentInline, MembershipInline]

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            if isinstance(obj, StationDocument) and obj.uploaded_by_id is None:
                obj.uploaded_by = request.user
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["deputy", "station", "since", "until"]
    list_filter = ["station__street"]
    search_fields = ["deputy__name", "station__code", "station__name"]
    list_select_related = ["deputy", "station"]
    autocomplete_fields = ["deputy", "station"]


# --- reception days and duty rotas --------------------------------------------------------------------------


@admin.register(ReceptionDay)
class ReceptionDayAdmin(ScopedAdmin):
    list_display = ["station", "date", "scheduled_date", "status", "notice_published_at", "duty_list"]
    list_filter = ["status", "scheduled_date", "station__street"]
    search_fields = ["station__code", "station__name"]
    list_select_related = ["station"]
    date_hierarchy = "date"
    autocomplete_fields = ["station", "duty_deputies"]
    readonly_fields = ["notice_published_at", "change_count", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("duty_deputies")

    @admin.display(description=_("deputies on duty"))
    def duty_list(self, obj):
        return ", ".join(d.name for d in obj.duty_deputies.all())


class DutyRotaMemberInline(admin.TabularInline):
    model = DutyRotaMember
    extra = 0
    autocomplete_fields = ["deputy"]
    ordering = ["position"]


@admin.register(DutyRota)
class DutyRotaAdmin(ScopedAdmin):
    list_display = ["station", "deputies_per_day", "updated_at"]
    search_fields = ["station__code", "station__name"]
    list_select_related = ["station"]
    autocomplete_fields = ["station"]
    exclude = ["updated_by"]
    inlines = [DutyRotaMemberInline]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
