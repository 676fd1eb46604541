from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    """Deputies and their mandates. Their work is in the apps above: ``activities``, ``surveys``,
    ``suggestions``."""

    name = "deputies"
    verbose_name = _("Deputies")
