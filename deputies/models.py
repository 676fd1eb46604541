import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.records import audit_history
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
    history = audit_history()

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
    history = audit_history()

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


def new_survey_token() -> str:
    """Kept for the historical migration 0003 (the surveys moved to ``surveys``; ``surveys.models`` has its own)."""
    return secrets.token_urlsafe(16)
