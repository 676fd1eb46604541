"""The five levels of people's congresses. Deputies hold mandates at these levels (``deputies.Mandate``); the
station's duty rota mixes them (``stations.rota.order_by_level``), so the vocabulary lives here, below both."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The five levels of people's congresses, highest first."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County/district")
    TOWNSHIP = "township", _("Township/town")


LEVEL_ORDER = {level.value: i for i, level in enumerate(Level)}
