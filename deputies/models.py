import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet


class Level(models.TextChoices):
    """The five levels of people's congresses, highest first."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County/district")
    TOWNSHIP = "township", _("Township/town")


LEVEL_ORDER = {level.value: i for i, level in enumerate(Level)}


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
# Deputies' work: suggestions, activities and yearly plans, duty reports and year-end satisfaction surveys.
# ---------------------------------------------------------------------------------------------------------------


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
        Deputy, verbose_name=_("lead deputy"), on_delete=models.PROTECT, related_name="suggestions_led"
    )
    co_signers = models.ManyToManyField(
        Deputy, verbose_name=_("co-signers"), blank=True, related_name="suggestions_cosigned"
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
        "Activity",
        verbose_name=_("supervision activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_suggestions",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
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
        indexes = [models.Index(fields=["year", "category"])]

    def __str__(self):
        return f"{self.number or self.pk} {self.title}"


# Module-level names of the nested choices (the OpenAPI enum names in settings refer to them).
SuggestionStatus = Suggestion.Status
SuggestionAnswerClass = Suggestion.AnswerClass
SuggestionAssessment = Suggestion.Assessment


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
        verbose_name = _("suggestion event")
        verbose_name_plural = _("suggestion events")
        ordering = ["suggestion", "at", "id"]

    def __str__(self):
        return f"{self.suggestion_id} {self.action}"


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
