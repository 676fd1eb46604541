from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits and opinions")

    def ready(self):
        from . import reminders  # noqa: F401 - registers the opinion deadline planner
