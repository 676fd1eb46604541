from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel: access (scope and the permission table), errors, privacy, rate limits, working days and
    the records-changed hook. It imports no other app of the project."""

    name = "core"
    verbose_name = _("Liaison portal")

    def ready(self):
        from .uploads import apply_pil_limit

        apply_pil_limit()  # PIL refuses to decode more than settings.UPLOAD_MAX_PIXELS
