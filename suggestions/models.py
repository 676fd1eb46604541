"""Deputies' suggestions (代表建议) to the congress and the history of their handling.

The models moved here from ``deputies`` and kept their tables (``deputies_suggestion``,
``deputies_suggestionevent`` and the many-to-many tables named after them).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.records import audit_history


class SuggestionCategory(models.TextChoices):
    """The three headings the seed counts suggestions under."""

    DEVELOPMENT = "development", _("High-quality development")
    LIVELIHOOD = "livelihood", _("Livelihood")
    RURAL = "rural", _("Rural revitalisation")


class SuggestionQuerySet(ScopedQuerySet):
    """A suggestion belongs to the station it grew from; one filed without a station belongs to the stations
    its lead deputy is resident in (so the station's staff and the county see it, and nobody else)."""

    def scope_filter(self, scope):
        stations = scope.stations().values("pk")
        lead_at = Suggestion._base_manager.filter(
            station__isnull=True, lead_deputy__memberships__station__in=stations
        ).values("pk")
        return Q(station__in=stations) | Q(pk__in=lead_at)


class Suggestion(models.Model):
    """A deputy's formal suggestion (代表建议) to the congress, tracked to the handling unit's answer.

    Workflow (``Status``): ``filed`` → ``assigned`` (to a handling unit, deadline 3 months, extendable to 6 with a
    reason) → ``answered`` (answer class A/B/C) → the lead deputy's assessment: satisfied or basically satisfied
    ends it as ``assessed``; not satisfied sends it back to the unit once (``assigned`` again, 1 month), and a
    second "not satisfied" ends it as ``assessed`` too. County staff may then archive it as ``closed`` (办结),
    also without an assessment once it is answered.
    """

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        ASSIGNED = "assigned", _("Assigned to a unit")
        ANSWERED = "answered", _("Answered")
        ASSESSED = "assessed", _("Assessed by the deputy")
        CLOSED = "closed", _("Closed")

    class AnswerClass(models.TextChoices):
        A = "A", _("A: solved or being solved")
        B = "B", _("B: planned, conditions lacking now")
        C = "C", _("C: explained, cannot be done now")

    class Assessment(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
        NOT_SATISFIED = "not_satisfied", _("Not satisfied")

    scope_lookup = "station"  # or, without a station, the lead deputy's stations (SuggestionQuerySet)

    number = models.CharField(_("number"), max_length=30, blank=True, help_text=_("Filing number, e.g. 2025-015."))
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    session = models.CharField(
        _("congress session"), max_length=100, blank=True, help_text=_("e.g. 岳麓区第四届人大第五次会议")
    )
    lead_deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("lead deputy"), on_delete=models.PROTECT, related_name="suggestions_led"
    )
    co_signers = models.ManyToManyField(
        "deputies.Deputy", verbose_name=_("co-signers"), blank=True, related_name="suggestions_cosigned"
    )
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    category = models.CharField(_("category"), max_length=16, choices=SuggestionCategory.choices, db_index=True)
    topics = models.JSONField(_("topics"), default=list, blank=True, help_text=_("Free sub-topics, e.g. 交通管理."))
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station it grew from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    source_opinions = models.ManyToManyField(
        "visits.Opinion", verbose_name=_("source opinions"), blank=True, related_name="suggestions"
    )
    unit = models.ForeignKey(
        "visits.ResponsibleUnit",
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.FILED, db_index=True)
    filed_on = models.DateField(_("filed on"))
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    deadline = models.DateField(_("answer deadline"), null=True, blank=True)
    extension_reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    answer_class = models.CharField(_("answer class"), max_length=1, choices=AnswerClass.choices, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    assessment = models.CharField(_("deputy's assessment"), max_length=20, choices=Assessment.choices, blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    returned_once = models.BooleanField(
        _("sent back to the unit"), default=False, help_text=_("A not-satisfied assessment sends it back once.")
    )
    supervised = models.BooleanField(_("supervised (督办)"), default=False, db_index=True)
    supervision_activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("supervision activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_suggestions",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SuggestionQuerySet.as_manager()
    history = audit_history()

    class Meta:
        db_table = "deputies_suggestion"  # the table kept its name when the model moved out of ``deputies``
        verbose_name = _("deputy suggestion")
        verbose_name_plural = _("deputy suggestions")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"], condition=~Q(number=""), name="suggestion_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(category__in=SuggestionCategory.values), name="suggestion_known_category"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["answered", "assessed"]) | ~Q(answer_class=""),
                name="suggestion_answer_has_class",
            ),
        ]
        indexes = [models.Index(fields=["year", "category"], name="deputies_su_year_13ae8a_idx")]

    def __str__(self):
        return f"{self.number or self.pk} {self.title}"

    @property
    def is_overdue(self) -> bool:
        """Assigned and past its answer deadline (the unit has not answered in time)."""
        return (
            self.status == Suggestion.Status.ASSIGNED
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )


def overdue_q(today=None) -> Q:
    """Suggestions waiting for the unit's answer past their deadline."""
    return Q(status=Suggestion.Status.ASSIGNED, deadline__lt=today or timezone.localdate())


# Module-level names of the nested choices (the OpenAPI enum names in settings refer to them).
SuggestionStatus = Suggestion.Status
SuggestionAnswerClass = Suggestion.AnswerClass
SuggestionAssessment = Suggestion.Assessment


# What each event's ``action`` says in the timeline (the column is free text: no choices, no migration).
EVENT_ACTIONS = {
    "file": _("Filed"),
    "edit": _("Edited"),
    "cosign": _("Co-signed"),
    "assign": _("Assigned to a unit"),
    "extend": _("Deadline extended"),
    "answer": _("Answered by the unit"),
    "return": _("Not satisfied: sent back to the unit"),
    "assess": _("Assessed by the deputy"),
    "supervise": _("Put under supervision"),
    "close": _("Closed"),
}


class SuggestionEventQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return Q(suggestion__in=Suggestion._base_manager.filter(Suggestion.objects.none().scope_filter(scope)))


class SuggestionEvent(models.Model):
    """One step of a suggestion's history (filed, assigned, extended, answered, assessed, supervised, closed)."""

    scope_lookup = "suggestion"  # through the suggestion's own rule (SuggestionEventQuerySet)

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from status"), max_length=16, blank=True)
    to_status = models.CharField(_("to status"), max_length=16)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = SuggestionEventQuerySet.as_manager()

    class Meta:
        db_table = "deputies_suggestionevent"
        verbose_name = _("suggestion event")
        verbose_name_plural = _("suggestion events")
        ordering = ["suggestion", "at", "id"]

    def __str__(self):
        return f"{self.suggestion_id} {self.get_action_display()}"

    def get_action_display(self) -> str:
        return EVENT_ACTIONS.get(self.action, self.action)

    @staticmethod
    def _status_label(value: str) -> str:
        return Suggestion.Status(value).label if value in Suggestion.Status.values else value

    def get_from_status_display(self) -> str:
        return self._status_label(self.from_status)

    def get_to_status_display(self) -> str:
        return self._status_label(self.to_status)

    def note_parts(self) -> tuple[str, str]:
        """The note as (a label in the reader's language, the free text): the services write a code first for
        answers (``"A: text"``), assessments (``"satisfied: text"``), extensions (``"2026-09-02: reason"``) and
        edits (the changed fields)."""
        code, sep, text = self.note.partition(": ")
        if not sep:
            code, text = self.note, ""
        if self.action == "answer" and code in Suggestion.AnswerClass.values:
            return Suggestion.AnswerClass(code).label, text
        if self.action in ("assess", "return") and code in Suggestion.Assessment.values:
            return Suggestion.Assessment(code).label, text
        if self.action == "extend" and sep and len(code) == 10 and code[4] == code[7] == "-":
            return code, text  # the new deadline, the reason
        if self.action == "edit":
            names = [n for n in self.note.split(",") if n]
            fields = {f.name: f for f in Suggestion._meta.get_fields() if hasattr(f, "verbose_name")}
            if names and all(n in fields for n in names):
                return ", ".join(str(fields[n].verbose_name) for n in names), ""
        return "", self.note
