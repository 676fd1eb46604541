from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        # Every app's planners (``<app>/reminders.py``) and recipient kinds (``<app>/recipients.py``) register
        # themselves on import, like ``admin.py``: import them all, once, in every process.
        from . import recipients, reminders

        reminders.autodiscover()
        recipients.autodiscover()
