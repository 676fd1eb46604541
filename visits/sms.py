"""The tracking code by SMS, through the notices machinery's channels (``notices.channels``:
``SMS_BACKEND``, or the ``NOTICE_SINK`` in development and tests)."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Opinion

logger = logging.getLogger(__name__)


def send_tracking_code(*, opinion_id: int) -> bool:
    """Send the code once per opinion (a retried task finds the mark and sends nothing); False if there is
    no phone or it was already sent."""
    from notices.channels import absolute, send_direct

    opinion = Opinion.objects.filter(pk=opinion_id).select_related("station").first()
    if opinion is None or not opinion.citizen_phone:
        return False
    mark = f"opinion-sms-sent:{opinion.pk}"
    if not cache.add(mark, 1, 7 * 24 * 3600):
        return False
    text = _("Your opinion to %(station)s was received. Tracking code: %(code)s. Follow it at %(url)s") % {
        "station": opinion.station.name,
        "code": opinion.tracking_code,
        "url": absolute(reverse("portal:track", args=[opinion.tracking_code])),
    }
    try:
        send_direct(
            channel="sms",
            address=opinion.citizen_phone,
            title=_("Tracking code"),
            text=text,
            recipient=f"opinion:{opinion.pk}",
        )
    except Exception:
        cache.delete(mark)
        logger.warning("tracking code SMS for opinion %s failed", opinion.pk)  # no phone number in logs
        raise
    return True
