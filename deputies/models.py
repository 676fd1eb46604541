import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from stations.levels import LEVEL_ORDER, Level


class DeputyQuerySet(ScopedQuerySet):
    def with_level(self, level: str):
        return self.filter(models.Exists(Mandate.objects.filter(deputy=models.OuterRef("pk"), level=level)))


class Deputy(models.Model):
    """A people's congress deputy (人大代表). One person may hold mandates at several levels."""

    scope_lookup = "memberships__station"
    scope_many = True

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    ref = models.CharField(_("reference number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    photo = models.ImageField(_("photo"), upload_to="deputies/photos/", blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    speciality = models.CharField(_("speciality"), max_length=100, blank=True)
    public_contact = models.CharField(
        _("public contact route"),
        max_length=120,
        blank=True,
        help_text=_("Shown to the public, e.g. the station's phone or a mailbox."),
    )
    # Private: used for notices, never shown publicly.
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DeputyQuerySet.as_manager()

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["id"]

    def __str__(self):
        return self.name

    def levels(self) -> list[str]:
        """Levels of the deputy's mandates, highest first (uses prefetched mandates when present)."""
        return sorted({m.level for m in self.mandates.all()}, key=LEVEL_ORDER.__getitem__)


class Mandate(models.Model):
    """A deputy's seat at one level for one term, elected in one electoral area."""

    scope_lookup = "deputy__memberships__station"
    scope_many = True

    deputy = models.ForeignKey(Deputy, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="mandates")
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    congress = models.CharField(_("congress"), max_length=60, blank=True, help_text=_("e.g. 第十八届"))
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)
    electoral_area = models.ForeignKey(
        "stations.Area",
        verbose_name=_("electoral area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["deputy", "term_start"]
        constraints = [
            models.UniqueConstraint(fields=["deputy", "level", "term_start"], name="mandate_unique_term"),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")), name="mandate_term_order"
            ),
        ]

    def __str__(self):
        return f"{self.deputy} ({self.get_level_display()})"


# ---------------------------------------------------------------------------------------------------------------
# Deputies' work: activities and yearly plans, duty reports and year-end satisfaction surveys (suggestions are the
# ``suggestions`` app).
# ---------------------------------------------------------------------------------------------------------------


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


class Rating(models.TextChoices):
    """The 4-point scale of the year-end survey."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


SATISFIED_RATINGS = (Rating.VERY_SATISFIED, Rating.SATISFIED)


def new_survey_token() -> str:
    return secrets.token_urlsafe(16)


class Survey(models.Model):
    """A station's year-end satisfaction survey (满意度测评), reached by a public link or QR code."""

    scope_lookup = "station"

    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.PROTECT, related_name="surveys"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    token = models.CharField(_("public token"), max_length=40, unique=True, default=new_survey_token, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-year", "station"]
        constraints = [
            models.UniqueConstraint(fields=["station", "year"], name="survey_one_per_station_year"),
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="survey_window_order"),
        ]

    def __str__(self):
        return self.title or f"{self.station_id} {self.year}"

    def is_open(self, *, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.opens_on <= on <= self.closes_on


class SurveyQuestion(models.Model):
    """ "How satisfied are you with …": the station itself (deputy empty) or one deputy who reported."""

    scope_lookup = "survey__station"

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions")
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "deputy"], condition=Q(deputy__isnull=False), name="surveyquestion_one_per_deputy"
            ),
            models.UniqueConstraint(
                fields=["survey"], condition=Q(deputy__isnull=True), name="surveyquestion_one_for_station"
            ),
        ]

    def __str__(self):
        return str(self.deputy or _("the station"))


class SurveyResponse(models.Model):
    """One voter's ballot. No personal data: an online ballot keeps only a salted hash of the phone number
    (to allow one response per phone); a paper ballot keeps nothing about its author."""

    scope_lookup = "survey__station"

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper ballot")

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    phone_hash = models.CharField(_("phone hash"), max_length=64, null=True, blank=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survey", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "phone_hash"], name="surveyresponse_one_per_phone"),
            models.CheckConstraint(
                condition=Q(channel="paper") | Q(phone_hash__isnull=False), name="surveyresponse_online_has_phone"
            ),
        ]

    def __str__(self):
        return f"{self.survey_id} #{self.pk}"


SurveyChannel = SurveyResponse.Channel


class SurveyAnswer(models.Model):
    scope_lookup = "response__survey__station"

    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["response", "question"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="surveyanswer_one_per_question"),
            models.CheckConstraint(condition=Q(rating__in=Rating.values), name="surveyanswer_rating_on_scale"),
        ]

    def __str__(self):
        return self.get_rating_display()
