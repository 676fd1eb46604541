import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet, scope_for
from core.records import audit_history


class AreaQuerySet(models.QuerySet):
    def for_user(self, user):
        """Areas a user may see: the subtree they serve; for station staff and deputies, the chain of areas
        above their stations."""
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        if scope.nothing:
            return self.none()
        if getattr(user, "area_id", None):
            path = Area.objects.filter(pk=user.area_id).values_list("path", flat=True).first() or "\0"
            return self.filter(path__startswith=path)
        paths = set(scope.stations().values_list("area__path", flat=True))
        prefixes = {p[: i + 1] for p in paths for i, ch in enumerate(p) if ch == "/"}
        return self.filter(path__in=prefixes)


class Area(models.Model):
    """Administrative area: county/district → street or township → community or village."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("County/district")
        STREET = "street", _("Street")
        TOWNSHIP = "township", _("Township/town")
        COMMUNITY = "community", _("Community")
        VILLAGE = "village", _("Village")

    PARENT_KINDS = {
        Kind.COUNTY: (),
        Kind.STREET: (Kind.COUNTY,),
        Kind.TOWNSHIP: (Kind.COUNTY,),
        Kind.COMMUNITY: (Kind.STREET, Kind.TOWNSHIP),
        Kind.VILLAGE: (Kind.STREET, Kind.TOWNSHIP),
    }

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[RegexValidator(r"^[A-Za-z0-9_-]+$")])
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of codes ("/430104/430104001/"): a subtree is one indexed prefix match.
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)

    objects = AreaQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="county", parent__isnull=True) | (~Q(kind="county") & Q(parent__isnull=False)),
                name="area_only_counties_are_roots",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = f"{self.parent.path if self.parent_id else '/'}{self.code}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moving an area moves its whole subtree.
            Area.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(models.Value(self.path), Substr("path", len(old_path) + 1))
            )

    def clean(self):
        allowed = self.PARENT_KINDS.get(self.kind, ())
        if self.parent is not None and self.parent.kind not in allowed:
            raise ValidationError(
                {
                    "parent": _("A %(kind)s cannot sit under a %(parent)s.")
                    % {"kind": self.get_kind_display(), "parent": self.parent.get_kind_display()}
                }
            )
        if self.parent is not None and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("An area cannot sit under itself.")})

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def street_level(self):
        """The street or township this area lies in (itself if it is one); None for a county."""
        node = self
        while node is not None and node.kind not in (self.Kind.STREET, self.Kind.TOWNSHIP):
            node = node.parent
        return node


class StationQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Station(models.Model):
    """A deputy liaison station (代表联络站)."""

    scope_lookup = ""

    class Kind(models.TextChoices):
        AREA = "area", _("Area-based (片区)")
        INDUSTRY_CHAIN = "industry_chain", _("Industry chain (产业链)")
        PARK = "park", _("Industrial park (园区)")
        ENTERPRISE = "enterprise", _("Enterprise (企业)")
        COMMUNITY = "community", _("Community/village (村/社区)")
        HAMLET = "hamlet", _("Hamlet (屋场)")
        DEPUTIES_HOME = "deputies_home", _("Deputies' home (代表之家)")

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9][A-Z0-9-]*$", _("Upper-case letters, digits and dashes."))],
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.AREA)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="stations")
    # Denormalised from ``area`` on save: the directory and dashboards group by street constantly.
    street = models.ForeignKey(
        Area,
        verbose_name=_("street/township"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="street_stations",
    )
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    opening_hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    phone = models.CharField(_("public phone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    layout_picture = models.ImageField(_("layout picture"), upload_to="stations/layout/", blank=True)
    logo = models.ImageField(_("sign/logo"), upload_to="stations/logo/", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StationQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="station_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="station_longitude_range",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.street = self.area.street_level() if self.area_id else None
        super().save(*args, **kwargs)


class DatedQuerySet(ScopedQuerySet):
    """Rows valid from ``since`` until ``until`` (inclusive; open-ended when null)."""

    def current(self, *, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(until__isnull=True) | Q(until__gte=on), since__lte=on)


class StationStaff(models.Model):
    """The "two fixed" staff: one station head and one liaison officer, with the dates they served."""

    scope_lookup = "station"

    class Role(models.TextChoices):
        HEAD = "head", _("Station head")
        OFFICER = "officer", _("Liaison officer")

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="station_posts"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("station staff")
        verbose_name_plural = _("station staff")
        ordering = ["station", "role", "-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "role"],
                condition=Q(until__isnull=True),
                name="stationstaff_one_current_per_role",
                violation_error_message=_("A station has exactly one current head and one current officer."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")), name="stationstaff_until_after_since"
            ),
        ]

    def __str__(self):
        return f"{self.station.code} {self.get_role_display()}: {self.user.display_name}"


class StationDocument(models.Model):
    """The "three musts": work system, yearly work plan and ledger, each kept in versions."""

    scope_lookup = "station"

    class Kind(models.TextChoices):
        WORK_SYSTEM = "work_system", _("Work system (工作制度)")
        WORK_PLAN = "work_plan", _("Yearly work plan (工作计划)")
        LEDGER = "ledger", _("Ledger (工作台账)")

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    effective_date = models.DateField(_("effective date"))
    file = models.FileField(_("file"), upload_to="stations/documents/", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("station document")
        verbose_name_plural = _("station documents")
        ordering = ["station", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["station", "kind", "version"], name="stationdocument_unique_version"),
        ]

    def __str__(self):
        return f"{self.title} v{self.version}"


class Membership(models.Model):
    """A deputy resident at a station (驻站), from a date until a date."""

    scope_lookup = "station"

    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="memberships"
    )
    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="memberships"
    )
    since = models.DateField(_("resident from"))
    until = models.DateField(_("resident until"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("station membership")
        verbose_name_plural = _("station memberships")
        ordering = ["station", "deputy"]
        constraints = [
            models.UniqueConstraint(fields=["deputy", "station", "since"], name="membership_unique_start"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")), name="membership_until_after_since"
            ),
        ]

    def __str__(self):
        return f"{self.deputy} @ {self.station.code}"


class ReceptionDay(models.Model):
    """A station's reception day (接待日): the 28th of each month unless moved or cancelled.

    ``scheduled_date`` is the regular date the day stands for (unique per station, so generating a month twice
    creates nothing); ``date`` is when it actually takes place.
    """

    scope_lookup = "station"

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        PUBLISHED = "published", _("Published")
        HELD = "held", _("Held")
        MOVED = "moved", _("Moved")
        CANCELLED = "cancelled", _("Cancelled")

    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="reception_days"
    )
    scheduled_date = models.DateField(_("scheduled date"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), default=datetime.time(9, 0))
    end_time = models.TimeField(_("end time"), default=datetime.time(12, 0))
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("Empty: the station itself."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    original_date = models.DateField(_("original date"), null=True, blank=True)
    change_reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    notice_published_at = models.DateTimeField(_("notice published at"), null=True, blank=True)
    # Bumped by every change after publication; each value is one change notice (sent once per change).
    change_count = models.PositiveSmallIntegerField(_("changes after publication"), default=0, editable=False)
    duty_deputies = models.ManyToManyField(
        "deputies.Deputy", verbose_name=_("deputies on duty"), blank=True, related_name="duty_days"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        ordering = ["date", "station"]
        constraints = [
            models.UniqueConstraint(fields=["station", "scheduled_date"], name="receptionday_one_per_schedule"),
            models.UniqueConstraint(fields=["station", "date"], name="receptionday_one_per_date"),
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="receptionday_end_after_start"),
            models.CheckConstraint(
                condition=~Q(status__in=["moved", "cancelled"]) | ~Q(change_reason=""),
                name="receptionday_change_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["date", "status"])]

    def __str__(self):
        return f"{self.station.code} {self.date:%Y-%m-%d}"

    @property
    def display_place(self) -> str:
        return self.place or self.station.address


# --- the duty rota --------------------------------------------------------------------------------------------


class DutyRota(models.Model):
    """How a station's resident deputies take turns on reception days.

    Without a rota every current resident takes part, in order of joining the station. With one, the station's
    officer (or county staff) can put the residents in an order, leave some out and fix how many serve a day.
    Residents who joined after the rota was last edited take part too: leaving someone out is explicit.
    """

    scope_lookup = "station"

    station = models.OneToOneField(
        Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="duty_rota"
    )
    deputies_per_day = models.PositiveSmallIntegerField(
        _("deputies per day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Empty: three when six or more deputies take part, otherwise two."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty rota")
        verbose_name_plural = _("duty rotas")
        ordering = ["station"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deputies_per_day__isnull=True) | Q(deputies_per_day__gte=1, deputies_per_day__lte=5),
                name="dutyrota_deputies_per_day_range",
            ),
        ]

    def __str__(self):
        return f"{self.station.code} {self._meta.verbose_name}"


class DutyRotaMember(models.Model):
    """One deputy's place in a station's rota."""

    scope_lookup = "rota__station"

    rota = models.ForeignKey(DutyRota, verbose_name=_("duty rota"), on_delete=models.CASCADE, related_name="members")
    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="rota_places"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("takes part"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty rota member")
        verbose_name_plural = _("duty rota members")
        ordering = ["rota", "position", "deputy"]
        constraints = [models.UniqueConstraint(fields=["rota", "deputy"], name="dutyrotamember_once_per_rota")]

    def __str__(self):
        return f"{self.rota.station.code} #{self.position}: {self.deputy}"
