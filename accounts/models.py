from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import AREA_ROLES, STATION_ROLES, Role

__all__ = ["AREA_ROLES", "STATION_ROLES", "Role", "User"]


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

    @property
    def is_county_staff(self) -> bool:
        return self.role == Role.COUNTY

    @property
    def is_system_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN
