from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("Deputies")

    def ready(self):
        from . import (
            recipients,  # noqa: F401 - registers the ``deputy:`` recipients of notices
            reminders,  # noqa: F401 - registers the activity-gap and survey-window planners
        )
