from django.contrib import admin

from core.admin import BOUNDED_UPLOADS, ScopedAdmin

from .models import Activity, ActivityPhoto, ActivityPlan, ActivityPlanItem, DutyReport


class ActivityPhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0
    formfield_overrides = BOUNDED_UPLOADS


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    list_display = ["date", "title", "station", "kind", "people_reached", "campaign"]
    list_filter = ["kind", "campaign", ("date", admin.DateFieldListFilter)]
    search_fields = ["title", "station__code", "station__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["station", "deputies"]
    list_select_related = ["station"]
    exclude = ["created_by"]
    inlines = [ActivityPhotoInline]


class ActivityPlanItemInline(admin.TabularInline):
    model = ActivityPlanItem
    extra = 0


@admin.register(ActivityPlan)
class ActivityPlanAdmin(ScopedAdmin):
    list_display = ["station", "year", "title", "published_at"]
    list_filter = ["year"]
    search_fields = ["station__code", "station__name", "title"]
    autocomplete_fields = ["station"]
    list_select_related = ["station"]
    inlines = [ActivityPlanItemInline]


@admin.register(DutyReport)
class DutyReportAdmin(ScopedAdmin):
    list_display = ["date", "station", "deputy", "audience"]
    list_filter = [("date", admin.DateFieldListFilter)]
    search_fields = ["station__code", "deputy__name", "title"]
    autocomplete_fields = ["station", "deputy", "activity"]
    list_select_related = ["station", "deputy"]
