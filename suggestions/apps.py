from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    """Deputies' suggestions (代表建议): filing, the handling workflow, the API. It reads deputies, stations and
    visits (the opinions a suggestion grew from, the handling units); only ``reports`` and above read it."""

    name = "suggestions"
    verbose_name = _("Suggestions")
