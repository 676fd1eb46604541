from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self):
        # The public pages' cache is invalidated by model signals and the records-changed hook (portal/cache.py).
        from . import cache

        cache.connect_signals()
