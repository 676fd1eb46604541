from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdmin

from .models import Suggestion, SuggestionEvent


class SuggestionEventInline(admin.TabularInline):
    model = SuggestionEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "action_label", "from_label", "to_label", "note_text", "by"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("action"))
    def action_label(self, event):
        return event.get_action_display()

    @admin.display(description=_("from status"))
    def from_label(self, event):
        return event.get_from_status_display()

    @admin.display(description=_("note"))
    def note_text(self, event):
        label, text = event.note_parts()
        return "：".join(str(part) for part in (label, text) if part)

    @admin.display(description=_("to status"))
    def to_label(self, event):
        return event.get_to_status_display()


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
