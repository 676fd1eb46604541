from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("Stations")

    def ready(self):
        # The public portal's page cache is invalidated by model signals (stations/cache.py).
        from . import cache

        cache.connect_signals()
