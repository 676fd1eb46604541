from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdmin, can_change_in_admin, can_open_admin
from core.errors import DomainError

from . import evaluation
from .models import (
    EvaluationAudit,
    EvaluationCategory,
    EvaluationItem,
    EvaluationScheme,
    ItemScore,
    StationEvaluation,
    StationMonth,
)


class CountyOnlyAdmin(admin.ModelAdmin):
    """The scheme is county-wide reference data: county staff and administrators edit it; a published
    (frozen) year is read-only."""

    def _county(self, request):
        return can_change_in_admin(request)

    def has_module_permission(self, request):
        return can_open_admin(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return self._county(request)

    def has_change_permission(self, request, obj=None):
        scheme = getattr(obj, "scheme", obj)
        return self._county(request) and not (scheme is not None and getattr(scheme, "is_frozen", False))

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and request.user.is_superuser


class CategoryInline(admin.TabularInline):
    model = EvaluationCategory
    extra = 0


class ItemInline(admin.TabularInline):
    model = EvaluationItem
    extra = 0
    fields = ["order", "code", "category", "name", "name_en", "max_score", "kind", "rule", "params"]


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(CountyOnlyAdmin):
    list_display = ["year", "title", "status", "award_count", "published_at"]
    readonly_fields = ["status", "published_at"]
    inlines = [CategoryInline, ItemInline]
    actions = ["copy_to_next_year"]

    @admin.action(description=_("Copy to the next year"))
    def copy_to_next_year(self, request, queryset):
        for scheme in queryset:
            try:
                new = evaluation.copy_scheme(source=scheme, year=scheme.year + 1, by=request.user)
                self.message_user(request, _("Created %(title)s.") % {"title": new.title})
            except DomainError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)


@admin.register(StationEvaluation)
class StationEvaluationAdmin(ScopedAdmin):
    list_display = ["station", "scheme", "total", "grade", "rank", "awarded"]
    list_filter = ["scheme", "grade", "awarded"]
    list_select_related = ["station", "scheme"]
    readonly_fields = ["scheme", "station", "total", "grade", "rank", "awarded", "computed_at"]

    def has_change_permission(self, request, obj=None):
        return False  # scores change through the evaluation pages (reasons, audit, freezing)

    has_add_permission = has_change_permission


@admin.register(ItemScore)
class ItemScoreAdmin(ScopedAdmin):
    list_display = ["evaluation", "item", "score", "computed_score", "override_score"]
    list_filter = ["item__code"]
    list_select_related = ["evaluation__station", "evaluation__scheme", "item"]
    exclude = ["evidence"]  # stored as messages: shown rendered in the reader's language
    readonly_fields = ["evidence_in_words"]

    @admin.display(description=_("evidence"))
    def evidence_in_words(self, obj):
        evidence = obj.evidence_text
        return "；".join(p for p in [evidence["summary"], *evidence["counted"], *evidence["missing"]] if p)

    def has_change_permission(self, request, obj=None):
        return False

    has_add_permission = has_change_permission


@admin.register(EvaluationAudit)
class EvaluationAuditAdmin(CountyOnlyAdmin):
    list_display = ["at", "scheme", "station", "item_code", "action_label", "actor"]
    list_filter = ["scheme"]

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj):
        return obj.get_action_display()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StationMonth)
class StationMonthAdmin(ScopedAdmin):
    list_display = ["station", "month", "people_received", "people_visited", "opinions_received", "activities"]
    list_filter = ["month"]
    list_select_related = ["station"]
    date_hierarchy = "month"

    def has_change_permission(self, request, obj=None):
        return False  # derived from the records; rebuild with manage.py rebuild_rollups

    has_add_permission = has_change_permission
