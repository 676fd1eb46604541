"""Visit logs, outreach, opinions and their closed loop, practical matters (the station's ledger)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.privacy import mask_name, mask_phone
from core.records import Voidable, all_manager, audit_history, live_manager

CONTENT_MAX = 2000
ANSWER_MAX = 4000


class ResponsibleUnit(models.Model):
    """A county department or street office that handles opinions (承办单位). Reference data, edited in the
    admin; a unit no longer in use is deactivated, never deleted."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("County department")
        STREET_OFFICE = "street_office", _("Street/township office")
        OTHER = "other", _("Other (utility, enterprise)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DEPARTMENT)
    area = models.ForeignKey(
        "stations.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_units",
        help_text=_("For a street office: the street or township it serves."),
    )
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)

    history = audit_history()

    class Meta:
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class VisitLog(Voidable):
    """A voter or a group received at the station (接待记录), on a reception day or any other day."""

    scope_lookup = "station"

    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.PROTECT, related_name="visit_logs"
    )
    date = models.DateField(_("date"))
    reception_day = models.ForeignKey(
        "stations.ReceptionDay",
        verbose_name=_("reception day"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit_logs",
    )
    deputies = models.ManyToManyField(
        "deputies.Deputy", verbose_name=_("deputies who received"), blank=True, related_name="visit_logs"
    )
    people_count = models.PositiveIntegerField(_("number of people"), validators=[MinValueValidator(1)])
    visitor_name = models.CharField(_("visitor's name"), max_length=50, blank=True)
    visitor_phone = models.CharField(_("visitor's phone"), max_length=20, blank=True)
    topics = models.CharField(_("topics"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=CONTENT_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    history = audit_history(m2m_fields=[deputies])

    class Meta:
        verbose_name = _("visit log")
        verbose_name_plural = _("visit logs")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(people_count__gte=1), name="visitlog_people_count_positive"),
        ]
        indexes = [models.Index(fields=["station", "date"])]

    def __str__(self):
        return f"{self.station_id} {self.date:%Y-%m-%d} ({self.people_count})"

    @property
    def masked_visitor_name(self) -> str:
        return mask_name(self.visitor_name)

    @property
    def masked_visitor_phone(self) -> str:
        return mask_phone(self.visitor_phone)


class Outreach(Voidable):
    """A deputy's visit to voters (走访选民), counted for the deputy's station."""

    scope_lookup = "station"

    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="outreach_records"
    )
    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.PROTECT, related_name="outreach_records"
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    people_count = models.PositiveIntegerField(_("people met"), validators=[MinValueValidator(1)])
    summary = models.TextField(_("summary"), max_length=CONTENT_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    history = audit_history()

    class Meta:
        verbose_name = _("outreach visit")
        verbose_name_plural = _("outreach visits")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(people_count__gte=1), name="outreach_people_count_positive"),
        ]
        indexes = [models.Index(fields=["station", "date"])]

    def __str__(self):
        return f"{self.deputy_id} {self.date:%Y-%m-%d} ({self.people_count})"


class OpinionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


class OpinionChannel(models.TextChoices):
    VISIT = "visit", _("Visit to the station")
    OUTREACH = "outreach", _("Deputy's outreach visit")
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online (QR code)")


class OpinionRating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


OPEN_STATUSES = (
    OpinionStatus.RECEIVED,
    OpinionStatus.REGISTERED,
    OpinionStatus.ASSIGNED,
    OpinionStatus.IN_PROGRESS,
    OpinionStatus.ANSWERED,
)
# The deadline each open status is waiting for (an answered opinion waits for the citizen, not for staff).
DUE_FIELD_BY_STATUS = {
    OpinionStatus.RECEIVED: "register_due",
    OpinionStatus.REGISTERED: "assign_due",
    OpinionStatus.ASSIGNED: "answer_due",
    OpinionStatus.IN_PROGRESS: "answer_due",
}


class OpinionQuerySet(ScopedQuerySet):
    def with_deadline(self, *, today: datetime.date | None = None):
        """Annotate ``due_date`` (the deadline the current status waits for) and ``overdue``."""
        today = today or timezone.localdate()
        current_due = Case(
            *[When(status=status, then=F(field)) for status, field in DUE_FIELD_BY_STATUS.items()],
            default=None,
            output_field=models.DateField(),
        )
        return self.annotate(due_date=current_due).annotate(
            overdue=Case(When(due_date__lt=today, then=True), default=False, output_field=models.BooleanField())
        )

    def overdue(self, *, today: datetime.date | None = None):
        return self.with_deadline(today=today).filter(overdue=True)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Opinion(Voidable):
    """An opinion or issue raised by a citizen (群众反映问题和意见), handled in a closed loop:
    received → registered → assigned → in progress → answered → rated → closed, or rejected."""

    scope_lookup = "station"
    Status = OpinionStatus

    Channel = OpinionChannel
    Rating = OpinionRating

    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.PROTECT, related_name="opinions"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    content = models.TextField(_("content"), max_length=CONTENT_MAX)
    category = models.CharField(_("category"), max_length=50, blank=True)
    citizen_name = models.CharField(_("citizen's name"), max_length=50, blank=True)
    citizen_phone = models.CharField(_("citizen's phone"), max_length=20, blank=True)
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True, editable=False)
    rating_key_hash = models.CharField(max_length=64, blank=True, editable=False)
    unit = models.ForeignKey(
        ResponsibleUnit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    status = models.CharField(_("status"), max_length=16, choices=OpinionStatus.choices, default="received")
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("deputy who gathered it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinions",
    )
    visit_log = models.ForeignKey(
        VisitLog,
        verbose_name=_("visit log"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinions",
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    register_due = models.DateField(_("register by"), null=True, blank=True)
    assign_due = models.DateField(_("assign by"), null=True, blank=True)
    answer_due = models.DateField(_("answer by"), null=True, blank=True)
    answer = models.TextField(_("public answer"), max_length=ANSWER_MAX, blank=True)
    rating = models.CharField(_("last rating"), max_length=16, choices=Rating.choices, blank=True)
    resolved = models.BooleanField(_("closed as resolved"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = live_manager(OpinionQuerySet)
    all_objects = all_manager(OpinionQuerySet)
    history = audit_history(excluded_fields=["rating_key_hash"])

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["-received_at", "-id"]
        permissions = [("unmask_personal_data", _("Can unmask the personal data of one record"))]
        constraints = [
            models.CheckConstraint(condition=Q(resolved=False) | Q(status="closed"), name="opinion_resolved_closed"),
            models.CheckConstraint(
                condition=~Q(status__in=["assigned", "in_progress", "answered"]) | Q(unit__isnull=False),
                name="opinion_handled_has_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["station", "status"]),
            models.Index(fields=["received_at"]),
        ]

    def __str__(self):
        return self.tracking_code

    @property
    def current_due(self) -> datetime.date | None:
        field = DUE_FIELD_BY_STATUS.get(self.status)
        return getattr(self, field) if field else None

    @property
    def is_overdue(self) -> bool:
        """The deadline the current status waits for has passed (Asia/Shanghai date)."""
        if "overdue" in self.__dict__:
            return self.__dict__["overdue"]
        due = self.current_due
        return due is not None and due < timezone.localdate()

    @property
    def masked_citizen_name(self) -> str:
        return mask_name(self.citizen_name)

    @property
    def masked_citizen_phone(self) -> str:
        return mask_phone(self.citizen_phone)


class OpinionAction(models.TextChoices):
    RECEIVE = "receive", _("Received")
    REGISTER = "register", _("Registered")
    ASSIGN = "assign", _("Assigned")
    START = "start", _("Handling started")
    ANSWER = "answer", _("Answered")
    RATE = "rate", _("Rated")
    CLOSE = "close", _("Closed")
    REJECT = "reject", _("Rejected")
    REOPEN = "reopen", _("Reopened")
    REASSIGN = "reassign", _("Reassigned")
    IMPORT = "import", _("Imported from the ledger")
    CORRECT = "correct", _("Corrected")
    VOID = "void", _("Voided")
    RESTORE = "restore", _("Restored")


class OpinionEvent(models.Model):
    """One step in an opinion's history: who did what, when, from which status to which, with a note."""

    scope_lookup = "opinion__station"

    Action = OpinionAction

    opinion = models.ForeignKey(Opinion, verbose_name=_("opinion"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    from_status = models.CharField(_("from status"), max_length=16, choices=OpinionStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=OpinionStatus.choices)
    note = models.TextField(_("note"), max_length=ANSWER_MAX, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("opinion event")
        verbose_name_plural = _("opinion events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.opinion_id} {self.get_action_display()} {self.at:%Y-%m-%d}"


class PracticalMatter(Voidable):
    """A concrete thing done for residents (为群众办实事), often the outcome of an opinion."""

    scope_lookup = "station"

    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.PROTECT, related_name="practical_matters"
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    beneficiaries = models.PositiveIntegerField(_("people who benefit"), default=0)
    source_opinion = models.ForeignKey(
        Opinion,
        verbose_name=_("source opinion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practical_matters",
    )
    summary = models.TextField(_("summary"), max_length=CONTENT_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    history = audit_history()

    class Meta:
        verbose_name = _("practical matter")
        verbose_name_plural = _("practical matters")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(beneficiaries__gte=0), name="practicalmatter_beneficiaries_nonneg"),
        ]
        indexes = [models.Index(fields=["station", "date"])]

    def __str__(self):
        return self.title


class UnmaskLog(models.Model):
    """Each time a user saw one record's personal data in full: who, when, which record."""

    scope_lookup = "station"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.PROTECT, related_name="+"
    )
    record_type = models.CharField(_("record type"), max_length=32)
    record_id = models.PositiveBigIntegerField(_("record id"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unmasking log entry")
        verbose_name_plural = _("unmasking log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self):
        return f"{self.user_id} {self.record_type}#{self.record_id} {self.at:%Y-%m-%d %H:%M}"
