from django.contrib import admin

from core.admin import ScopedAdmin

from .models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse


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
