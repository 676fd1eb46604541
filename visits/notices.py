"""The tracking code by SMS: a citizen who leaves a phone with an opinion and asks for it gets the opinion's
tracking code in one SMS.

It is a notice row like every other message (kind ``opinion_tracking_code``, key and recipient
``opinion:<id>``), recorded by ``opinion_create`` in the transaction that creates the opinion and queued after
its commit (``notices.planner``): so the SMS exists exactly when the opinion does (a rolled-back submission
sends nothing), is sent exactly once by the outbox's protocol (``notices.delivery``: a retried task finds the
row sent), shows in the staff's notice list, and a failed send is retried and can be resent. The row holds no
phone number: ``opinion:<id>`` is resolved to the citizen's phone when the SMS goes out (``visits.recipients``),
so an opinion anonymised meanwhile is not sent at all.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notices.channels import absolute
from notices.messages import Message, language
from notices.models import Channel
from notices.planner import NoticeRow, queue_after_commit, record_notices

TRACKING_CODE = "opinion_tracking_code"


def recipient(opinion) -> str:
    return f"opinion:{opinion.pk}"


def tracking_code_message(opinion) -> Message:
    link = reverse("portal:track", args=[opinion.tracking_code])
    with translation.override(language()):
        text = _("Your opinion to %(station)s was received. Tracking code: %(code)s. Follow it at %(url)s") % {
            "station": opinion.station.name,
            "code": opinion.tracking_code,
            "url": absolute(link),
        }
        return Message(title=_("Tracking code"), text=text, link=link)


def tracking_code_rows(opinion) -> list[NoticeRow]:
    """The one SMS row of an opinion's tracking code (none without a phone)."""
    if not opinion.citizen_phone:
        return []
    message = tracking_code_message(opinion)
    return [
        NoticeRow(
            kind=TRACKING_CODE,
            key=recipient(opinion),
            recipient=recipient(opinion),
            channel=Channel.SMS,
            title=message.title,
            text=message.text,
            link=message.link,
            station_id=opinion.station_id,
        )
    ]


def send_tracking_code(opinion) -> list[int]:
    """Record the tracking-code SMS of ``opinion`` in the current transaction and queue it after the commit.
    Returns the ids recorded (a second call records nothing: the row is unique)."""
    ids = record_notices(tracking_code_rows(opinion))
    queue_after_commit(ids)
    return ids
