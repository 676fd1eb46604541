"""Dashboard rollups and the yearly station evaluation (6 categories, 26 items, 100 points)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet

from .evidence import rendered


class StationMonth(models.Model):
    """One station's figures for one month, kept current by ``reports.rollups`` when records change.

    The dashboard and ``dashboard/summary/`` read only these rows plus the small reference tables.
    """

    scope_lookup = "station"

    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.CASCADE, related_name="monthly_figures"
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    people_received = models.PositiveIntegerField(_("people received"), default=0)
    people_visited = models.PositiveIntegerField(_("people visited"), default=0)
    visit_logs = models.PositiveIntegerField(_("visit logs"), default=0)
    opinions_received = models.PositiveIntegerField(_("opinions received"), default=0)
    opinions_resolved = models.PositiveIntegerField(_("opinions resolved"), default=0)
    # Where the month's opinions stand now: the dashboard's funnel.
    opinions_registered = models.PositiveIntegerField(_("opinions registered"), default=0)
    opinions_assigned = models.PositiveIntegerField(_("opinions assigned"), default=0)
    opinions_answered = models.PositiveIntegerField(_("opinions answered"), default=0)
    opinions_closed = models.PositiveIntegerField(_("opinions closed"), default=0)
    practical_matters = models.PositiveIntegerField(_("practical matters"), default=0)
    activities = models.PositiveIntegerField(_("activities"), default=0)
    suggestions_development = models.PositiveIntegerField(_("suggestions: development"), default=0)
    suggestions_livelihood = models.PositiveIntegerField(_("suggestions: livelihood"), default=0)
    suggestions_rural = models.PositiveIntegerField(_("suggestions: rural revitalisation"), default=0)
    survey_participants = models.PositiveIntegerField(_("survey participants"), default=0)
    survey_answers = models.PositiveIntegerField(_("survey answers"), default=0)
    survey_satisfied_answers = models.PositiveIntegerField(_("satisfied survey answers"), default=0)
    reception_days_held = models.PositiveIntegerField(_("reception days held"), default=0)
    reception_days_noticed_on_time = models.PositiveIntegerField(_("reception days noticed on time"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    FIGURES = (
        "people_received", "people_visited", "visit_logs", "opinions_received", "opinions_resolved",
        "opinions_registered", "opinions_assigned", "opinions_answered", "opinions_closed",
        "practical_matters", "activities", "suggestions_development", "suggestions_livelihood", "suggestions_rural",
        "survey_participants", "survey_answers", "survey_satisfied_answers", "reception_days_held",
        "reception_days_noticed_on_time",
    )  # fmt: skip

    class Meta:
        verbose_name = _("monthly station figures")
        verbose_name_plural = _("monthly station figures")
        ordering = ["month", "station"]
        constraints = [
            models.UniqueConstraint(fields=["station", "month"], name="stationmonth_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="stationmonth_first_day"),
        ]
        indexes = [models.Index(fields=["month"])]

    def __str__(self):
        return f"{self.station_id} {self.month:%Y-%m}"


class EvaluationScheme(models.Model):
    """The scoring sheet of one year. Published → its scores are frozen until explicitly unfrozen (audited)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    award_count = models.PositiveSmallIntegerField(
        _("number of awards"), default=7, help_text=_('Top N excellent stations named "people-satisfied station".')
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["-year"]

    def __str__(self):
        return self.title

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED


def _in_reader_language(obj) -> str:
    """A scheme row's name in the reader's language: the English name for English readers, else the Chinese."""
    english = (get_language() or "").startswith("en")
    return obj.name_en if english and obj.name_en else obj.name


class EvaluationCategory(models.Model):
    scheme = models.ForeignKey(
        EvaluationScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="categories"
    )
    code = models.CharField(_("code"), max_length=4)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("evaluation category")
        verbose_name_plural = _("evaluation categories")
        ordering = ["scheme", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="evaluationcategory_unique_code")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def label(self) -> str:
        return _in_reader_language(self)


class EvaluationItem(models.Model):
    """One of the 26 items: its maximum, whether it is computed (``rule`` from ``reports.rules``) or scored by
    county staff, and the rule's parameters."""

    class Kind(models.TextChoices):
        AUTO = "auto", _("Automatic")
        MANUAL = "manual", _("Manual")

    scheme = models.ForeignKey(
        EvaluationScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="items"
    )
    category = models.ForeignKey(
        EvaluationCategory, verbose_name=_("category"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField(_("code"), max_length=4)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    max_score = models.DecimalField(
        _("maximum"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    rule = models.CharField(_("rule"), max_length=60, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("evaluation item")
        verbose_name_plural = _("evaluation items")
        ordering = ["scheme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="evaluationitem_unique_code"),
            models.CheckConstraint(condition=Q(kind="manual") | ~Q(rule=""), name="evaluationitem_auto_has_rule"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="evaluationitem_max_positive"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def label(self) -> str:
        """The item's name in the reader's language."""
        return _in_reader_language(self)


class StationEvaluation(models.Model):
    """A station's sheet for a year: total, grade, rank and award."""

    scope_lookup = "station"

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

    scheme = models.ForeignKey(
        EvaluationScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="evaluations"
    )
    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.CASCADE, related_name="evaluations"
    )
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=1, default=0)
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices, default=Grade.FAIL)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    awarded = models.BooleanField(_("people-satisfied station"), default=False)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("station evaluation")
        verbose_name_plural = _("station evaluations")
        ordering = ["scheme", "rank", "station"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "station"], name="stationevaluation_unique"),
        ]

    def __str__(self):
        return f"{self.scheme.year} {self.station_id}"


class ItemScore(models.Model):
    """The score of one item on one station's sheet, with its evidence.

    ``computed_score`` is what the rule gave (auto items); ``override_score`` with ``override_reason`` is what
    county staff set (manual items, or an audited override of an auto item); ``score`` is the one that counts.
    """

    scope_lookup = "evaluation__station"

    evaluation = models.ForeignKey(
        StationEvaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(EvaluationItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="scores")
    fraction = models.DecimalField(_("fraction"), max_digits=6, decimal_places=4, null=True, blank=True)
    computed_score = models.DecimalField(_("computed score"), max_digits=5, decimal_places=1, null=True, blank=True)
    override_score = models.DecimalField(_("score set by staff"), max_digits=5, decimal_places=1, null=True, blank=True)
    override_reason = models.TextField(_("reason"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    overridden_at = models.DateTimeField(_("set at"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, default=0)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        ordering = ["evaluation", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "item"], name="itemscore_unique"),
            models.CheckConstraint(
                condition=Q(override_score__isnull=True) | ~Q(override_reason=""), name="itemscore_override_reason"
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="itemscore_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.item.code}: {self.score}"

    @property
    def evidence_text(self) -> dict:
        """The evidence as strings in the reader's language (it is stored as messages: ``reports.evidence``)."""
        return rendered(self.evidence)


class EvaluationAudit(models.Model):
    """Who changed what on the evaluation: overrides, manual scores, publication, unfreezing, recomputation.
    Entries about one station are scoped to it; entries about the whole year (publication) have no station and
    are seen by administrators only through ``for_user``."""

    scope_lookup = "station"

    # What ``action`` holds (services write these keys; people read the labels).
    ACTIONS = {
        "compute": _("recomputed"),
        "override": _("score overridden"),
        "manual_score": _("manual item scored"),
        "publish": _("published"),
        "unfreeze": _("unfrozen"),
        "copy": _("copied from another year"),
    }

    scheme = models.ForeignKey(
        EvaluationScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="audit"
    )
    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), null=True, blank=True, on_delete=models.SET_NULL
    )
    item_code = models.CharField(_("item"), max_length=4, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=32)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation audit entry")
        verbose_name_plural = _("evaluation audit entries")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def get_action_display(self) -> str:
        return str(self.ACTIONS.get(self.action, self.action))
