from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import AREA_ROLES, STATION_ROLES, Role

__all__ = ["AREA_ROLES", "STATION_ROLES", "Role", "User", "display_name"]


def person_name(family: str, given: str) -> str:
    """A name in the order its script writes it: Chinese family name first, without a space (伍婷婷); a Latin
    name "Given Family" (Ada Lovelace)."""
    family, given = (family or "").strip(), (given or "").strip()
    if (family + given).isascii():
        return f"{given} {family}".strip()
    return f"{family}{given}"


def display_name(person) -> str:
    """How the portal prints a person: a user by their name (``person_name``), else their username; a deputy
    (or anything with a ``name``) by that name; nobody as ""."""
    if person is None:
        return ""
    if isinstance(person, User):
        return person.display_name
    return str(getattr(person, "name", "") or person)


class User(AbstractUser):
    """A portal account. County and street staff are bound to the area they serve; station heads and officers
    to their station through ``stations.StationStaff``; deputies through ``deputies.Deputy.user``."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    area = models.ForeignKey(
        "stations.Area",
        verbose_name=_("area served"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_users",
        help_text=_("Required for county and street/township staff."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=[r.value for r in AREA_ROLES]) | Q(area__isnull=False),
                name="user_area_staff_have_area",
                violation_error_message=_("County and street/township staff must be bound to an area."),
            ),
        ]

    def get_full_name(self) -> str:
        """The name in the order its script writes it (Django's default is always "first last")."""
        return person_name(self.last_name, self.first_name)

    @property
    def display_name(self) -> str:
        """The name to print wherever the portal shows this user: their full name, else their username."""
        return self.get_full_name() or self.username

    @property
    def is_county_staff(self) -> bool:
        return self.role == Role.COUNTY

    @property
    def is_system_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN
