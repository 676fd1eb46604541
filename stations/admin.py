from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from liaison.admin import ScopedAdmin

from .models import Area, Membership, Station, StationDocument, StationStaff


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
