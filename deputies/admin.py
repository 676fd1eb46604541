from django.contrib import admin

from core.admin import ScopedAdmin

from .models import (
    Activity,
    ActivityPhoto,
    ActivityPlan,
    ActivityPlanItem,
    Deputy,
    DutyReport,
    Mandate,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0


@admin.register(Deputy)
class DeputyAdmin(ScopedAdmin):
    list_display = ["name", "ref", "gender", "occupation"]
    list_filter = ["gender", "mandates__level"]
    search_fields = ["name", "ref", "occupation"]
    inlines = [MandateInline]
    autocomplete_fields = ["user"]


# --- deputies' work -------------------------------------------------------------------------------------------


class ActivityPhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0


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


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    autocomplete_fields = ["deputy"]


@admin.register(Survey)
class SurveyAdmin(ScopedAdmin):
    list_display = ["station", "year", "opens_on", "closes_on"]
    list_filter = ["year"]
    search_fields = ["station__code", "station__name"]
    autocomplete_fields = ["station"]
    list_select_related = ["station"]
    readonly_fields = ["token"]
    inlines = [SurveyQuestionInline]


class SurveyAnswerInline(admin.TabularInline):
    model = SurveyAnswer
    extra = 0
    can_delete = False
    readonly_fields = ["question", "rating"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ScopedAdmin):
    """Ballots are read-only here: no phone hash is shown, nothing can be typed in."""

    list_display = ["id", "survey", "channel", "submitted_at"]
    list_filter = ["channel", "survey__year"]
    list_select_related = ["survey__station"]
    fields = ["survey", "channel", "submitted_at"]
    readonly_fields = fields
    inlines = [SurveyAnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
