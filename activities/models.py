"""Activities held at or by stations (进站活动), the stations' yearly activity plans and duty reports (述职).

The models moved here from ``deputies``; their tables kept their names (``db_table``)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from deputies.models import Deputy


class ActivityKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection (视察)")
    RESEARCH = "research", _("Research (调研)")
    SUGGESTION_SUPERVISION = "suggestion_supervision", _("Supervision of suggestions (建议督办)")
    PUBLICITY = "publicity", _("Publicity and lecture (宣传宣讲)")
    STUDY_EXCHANGE = "study_exchange", _("Study and exchange (学习交流)")
    POLICY_DELIVERY = "policy_delivery", _("Policy delivery to firms (送政策)")
    PUBLIC_SERVICE = "public_service", _("Public service (公益服务)")
    DUTY_REPORT = "duty_report", _("Duty report (述职)")
    TRAINING = "training", _("Training (履职培训)")


class Activity(models.Model):
    """An activity held at or by a station (进站活动). Each station holds at least one every quarter."""

    scope_lookup = "station"

    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ActivityKind.choices, db_index=True)
    date = models.DateField(_("date"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("deputies taking part"), blank=True, related_name="activities"
    )
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    campaign = models.CharField(
        _("campaign tag"), max_length=60, blank=True, db_index=True, help_text=_("e.g. 聚力强省会·代表新作为, 三个一")
    )
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "deputies_activity"  # the table kept its name when the model moved out of ``deputies``
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["station", "date"])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"


class ActivityPhoto(models.Model):
    scope_lookup = "activity__station"

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="activities/photos/%Y/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "deputies_activityphoto"  # the table kept its name when the model moved out of ``deputies``
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
        ordering = ["activity", "id"]

    def __str__(self):
        return self.caption or self.image.name


class ActivityPlan(models.Model):
    """A station's yearly activity plan (年度活动计划), published to the public (evaluation item B2 reads
    ``published_at``: by 31 January is on time)."""

    scope_lookup = "station"

    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.CASCADE, related_name="activity_plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "deputies_activityplan"  # the table kept its name when the model moved out of ``deputies``
        verbose_name = _("yearly activity plan")
        verbose_name_plural = _("yearly activity plans")
        ordering = ["-year", "station"]
        constraints = [models.UniqueConstraint(fields=["station", "year"], name="activityplan_one_per_year")]

    def __str__(self):
        return self.title or f"{self.station_id} {self.year}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ActivityPlanItem(models.Model):
    """One planned activity, placed in a month or (when the month is not fixed yet) a quarter."""

    scope_lookup = "plan__station"

    plan = models.ForeignKey(ActivityPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items")
    month = models.PositiveSmallIntegerField(
        _("month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "deputies_activityplanitem"  # the table kept its name when the model moved out of ``deputies``
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "quarter", "month", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(month__isnull=False, quarter__isnull=True) | Q(month__isnull=True, quarter__isnull=False)),
                name="activityplanitem_month_or_quarter",
                violation_error_message=_("Give either a month or a quarter."),
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12), name="activityplanitem_month_range"
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="activityplanitem_quarter_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def period_quarter(self) -> int:
        return self.quarter or (self.month - 1) // 3 + 1


class DutyReport(models.Model):
    """A duty report (述职) given to voters at a station: by a deputy, or (deputy empty) by the station itself."""

    scope_lookup = "station"

    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.PROTECT, related_name="duty_reports"
    )
    deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("deputy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_reports",
        help_text=_("Empty: the station reports on its own work."),
    )
    date = models.DateField(_("date"), db_index=True)
    audience = models.PositiveIntegerField(_("audience"), default=0)
    title = models.CharField(_("title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duty_reports",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "deputies_dutyreport"  # the table kept its name when the model moved out of ``deputies``
        verbose_name = _("duty report")
        verbose_name_plural = _("duty reports")
        ordering = ["-date", "station", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "deputy", "date"],
                condition=Q(deputy__isnull=False),
                name="dutyreport_one_per_deputy_day",
            ),
            models.UniqueConstraint(
                fields=["station", "date"], condition=Q(deputy__isnull=True), name="dutyreport_one_station_per_day"
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.deputy or self.station}"
