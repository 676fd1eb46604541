from django.contrib import admin

from core.admin import ScopedAdmin

from .models import Suggestion, SuggestionEvent


class SuggestionEventInline(admin.TabularInline):
    model = SuggestionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "note", "by", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(ScopedAdmin):
    list_display = ["number", "title", "category", "lead_deputy", "station", "status", "answer_class", "supervised"]
    list_filter = ["year", "category", "status", "answer_class", "assessment", "supervised"]
    search_fields = ["number", "title", "lead_deputy__name"]
    autocomplete_fields = ["lead_deputy", "co_signers", "station", "supervision_activity"]
    raw_id_fields = ["source_opinions"]
    list_select_related = ["lead_deputy", "station"]
    readonly_fields = ["status", "returned_once", "created_at", "updated_at"]
    inlines = [SuggestionEventInline]
