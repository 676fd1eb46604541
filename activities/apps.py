from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """Activities held at or by stations (进站活动), yearly activity plans and duty reports (述职). It reads
    deputies and stations; ``surveys`` and the apps above read it."""

    name = "activities"
    verbose_name = _("Activities")
