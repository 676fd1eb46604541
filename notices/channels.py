"""Channels: SMS through a pluggable backend, e-mail through Django's mail, the in-site inbox, and the sink.

- SMS: ``settings.SMS_BACKEND`` names a class with ``send(*, phone, text, reference)`` (raise on failure) and,
  optionally, ``delivered(references) -> set[str] | None`` (which of our references the provider accepted;
  ``None`` when it cannot tell). A county plugs in its provider by writing such a class. ``reference`` is
  ``notice-<id>``: pass it to the provider as the client's message id.
- E-mail: ``django.core.mail`` (``EMAIL_URL``), with one-click unsubscribe headers for subscribers.
- Site: an ``InboxMessage`` row, written in the same transaction that marks the notice sent (exactly once, no
  crash window at all).
- ``NOTICE_SINK`` (a file path): when set, every channel appends one JSON line per message instead of sending
  (``{"notice": <id>, "channel": ..., "recipient": ...}``), for development, tests and drills.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from core.privacy import mask_contact

from .models import Channel, InboxMessage

logger = logging.getLogger(__name__)


# --- SMS backends ------------------------------------------------------------------------------------------------


class BaseSMSBackend:
    """The interface a county's SMS provider implements."""

    def send(self, *, phone: str, text: str, reference: str) -> None:
        raise NotImplementedError

    def delivered(self, references: Iterable[str]) -> set[str] | None:
        """Which of ``references`` the provider has accepted; ``None``: the provider cannot tell."""
        return None


class ConsoleSMSBackend(BaseSMSBackend):
    """Development: writes each message to standard output (the number masked)."""

    def send(self, *, phone: str, text: str, reference: str) -> None:
        sys.stdout.write(f"[SMS {reference} → {mask_contact(phone)}] {text}\n")


class LocmemSMSBackend(BaseSMSBackend):
    """Tests: keeps every message in ``LocmemSMSBackend.outbox`` (like Django's locmem e-mail backend)."""

    outbox: list[dict] = []

    def send(self, *, phone: str, text: str, reference: str) -> None:
        type(self).outbox.append({"phone": phone, "text": text, "reference": reference})

    def delivered(self, references: Iterable[str]) -> set[str]:
        sent = {m["reference"] for m in type(self).outbox}
        return {r for r in references if r in sent}


def sms_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()


def reference(notice_id: int) -> str:
    return f"notice-{notice_id}"


# --- the sink ------------------------------------------------------------------------------------------------


def sink_path() -> str:
    return getattr(settings, "NOTICE_SINK", "") or ""


def write_sink(*, notice_id: int | None, channel: str, recipient: str) -> None:
    """Append one line with a single ``write`` on an ``O_APPEND`` descriptor: lines from concurrent workers never
    interleave."""
    line = json.dumps({"notice": notice_id, "channel": channel, "recipient": recipient}) + "\n"
    fd = os.open(sink_path(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def read_sink_ids() -> set[int]:
    """Notice ids the sink has recorded (the sink's own answer to "was it delivered?")."""
    ids: set[int] = set()
    try:
        with open(sink_path(), encoding="utf-8") as sink:
            for line in sink:
                try:
                    notice_id = json.loads(line).get("notice")
                except (ValueError, AttributeError):
                    continue  # a torn last line from a crash: not a delivery
                if isinstance(notice_id, int):
                    ids.add(notice_id)
    except FileNotFoundError:
        pass
    return ids


# --- delivery ------------------------------------------------------------------------------------------------


def absolute(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.PORTAL_URL.rstrip("/") + path


def deliver(notice, address, *, unsubscribe_token: str = "") -> None:
    """Deliver one notice to ``address`` (phone, e-mail or user id) or raise. Called inside the transaction that
    marks the notice sent, as its last step."""
    if sink_path():
        write_sink(notice_id=notice.pk, channel=notice.channel, recipient=notice.recipient)
        return
    if notice.channel == Channel.SMS:
        sms_backend().send(phone=address, text=notice.text, reference=reference(notice.pk))
    elif notice.channel == Channel.EMAIL:
        send_email(
            address=address, title=notice.title, text=notice.text, link=notice.link, unsubscribe_token=unsubscribe_token
        )
    elif notice.channel == Channel.SITE:
        InboxMessage.objects.create(
            user_id=address,
            station_id=notice.station_id,
            notice_id=notice.pk,
            title=notice.title[:200],
            body=notice.text,
            link=notice.link,
        )
    else:
        raise ValueError(f"unknown channel {notice.channel!r}")


def send_email(*, address: str, title: str, text: str, link: str = "", unsubscribe_token: str = "") -> None:
    from django.urls import reverse

    body, headers = text, {}
    if link:
        body += "\n\n" + absolute(link)
    if unsubscribe_token:
        url = absolute(reverse("portal:unsubscribe", args=[unsubscribe_token]))
        body += "\n\n" + url
        headers = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    EmailMessage(subject=title, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address], headers=headers).send()


def send_direct(*, channel: str, address: str, title: str, text: str, recipient: str) -> None:
    """A message that is not a notice row (a subscription's confirmation code): sent at once, through the same
    backends and the same sink."""
    if sink_path():
        write_sink(notice_id=None, channel=channel, recipient=recipient)
    elif channel == Channel.SMS:
        sms_backend().send(phone=address, text=text, reference=recipient)
    elif channel == Channel.EMAIL:
        send_email(address=address, title=title, text=text)
    else:
        raise ValueError(f"cannot send directly on {channel!r}")


def reconcile(notices) -> set[int]:
    """Of notices whose sending was interrupted (a worker died between claiming and recording), the ids that
    were delivered all the same, as far as the channel can tell. The rest are sent again: for a provider that
    cannot answer, that is the one window in which a message can go out twice."""
    notices = list(notices)
    if not notices:
        return set()
    if sink_path():
        recorded = read_sink_ids()
        return {n.pk for n in notices if n.pk in recorded}
    delivered: set[int] = set()
    site = [n.pk for n in notices if n.channel == Channel.SITE]
    if site:
        delivered |= set(InboxMessage.objects.filter(notice_id__in=site).values_list("notice_id", flat=True))
    sms = {reference(n.pk): n.pk for n in notices if n.channel == Channel.SMS}
    if sms:
        try:
            accepted = sms_backend().delivered(list(sms))
        except Exception as exc:  # noqa: BLE001 - the provider's lookup is best effort
            logger.warning("SMS backend could not say which notices it accepted (%s)", type(exc).__name__)
            accepted = None
        delivered |= {sms[r] for r in accepted or ()}
    return delivered
