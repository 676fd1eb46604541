"""The outbox's own short texts (a subscription's confirmation code and welcome), and the ``Message`` every
notice text is built as, rendered in ``settings.NOTICE_LANGUAGE`` (``language()``) whatever the language of the
request that caused it: the recipient reads the notice later, elsewhere.

The apps that plan notices keep their texts with their planners (the reception days' in ``stations.notices``,
the tracking code's in ``visits.notices``). Messages are short: one SMS is about 70 Chinese characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Message:
    title: str
    text: str
    link: str = ""


def language() -> str:
    """The language of every SMS, e-mail and inbox text."""
    return getattr(settings, "NOTICE_LANGUAGE", "zh-hans")


def subscription_code(*, station_name: str, code: str) -> Message:
    with translation.override(language()):
        values = {"station": station_name, "code": code}
        return Message(
            title=_("Your confirmation code"),
            text=_("Your code to confirm reception-day reminders of %(station)s: %(code)s (valid 30 minutes).")
            % values,
        )


def subscription_welcome(*, station_name: str, unsubscribe_url: str) -> Message:
    with translation.override(language()):
        values = {"station": station_name, "url": unsubscribe_url}
        return Message(
            title=_("Reminders confirmed"),
            text=_("You will be reminded of the reception days of %(station)s three days ahead. To stop: %(url)s")
            % values,
        )
