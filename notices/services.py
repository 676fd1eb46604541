"""Writes of the outbox: residents' double opt-in subscriptions, the in-site inbox, and the staff actions on
notice rows (plan, resend, sweep)."""

from __future__ import annotations

import datetime
import logging
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from core.errors import DomainError

from . import channels, messages
from .delivery import notice_send, notices_resend, notices_sweep
from .models import InboxMessage, Subscriber
from .planner import run_planner

notices_plan = run_planner
logger = logging.getLogger(__name__)

__all__ = [
    "inbox_mark_read",
    "notice_send",
    "notices_plan",
    "notices_resend",
    "notices_sweep",
    "subscription_cancel",
    "subscription_confirm",
    "subscription_request",
]


# --- resident subscriptions -------------------------------------------------------------------------------------

CODE_TTL = datetime.timedelta(minutes=30)
MAX_CODE_ATTEMPTS = 5


def _code_hash(token: str, code: str) -> str:
    # The salt of codes already sent is kept from when subscriptions lived in the stations app.
    return salted_hmac("stations.subscriber.code", f"{token}:{code}", algorithm="sha256").hexdigest()


def subscription_request(*, station, channel: str, address: str) -> Subscriber:
    """Double opt-in, step one: remember the address (and nothing else) unconfirmed and send it a six-digit code.
    An address already confirmed for the station gets no new code."""
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
            station=station, channel=channel, address=address, defaults={"token": secrets.token_urlsafe(32)}
        )
        if subscriber.confirmed_at is not None:
            return subscriber
        code = f"{secrets.randbelow(10**6):06d}"
        subscriber.code_hash = _code_hash(subscriber.token, code)
        subscriber.code_sent_at = timezone.now()
        subscriber.code_attempts = 0
        subscriber.save(update_fields=["code_hash", "code_sent_at", "code_attempts"])
        message = messages.subscription_code(station_name=station.name, code=code)
        try:
            channels.send_direct(
                channel=channel,
                address=address,
                title=message.title,
                text=message.text,
                recipient=subscriber.recipient,
            )
        except Exception as exc:  # the provider refused: tell the resident, keep nothing new
            raise DomainError(_("The code could not be sent. Please try again later."), code="send_failed") from exc
    return subscriber


def subscription_confirm(*, subscriber: Subscriber, code: str) -> Subscriber:
    """Double opt-in, step two: the code sent within the last 30 minutes, at most five tries."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().select_related("station").get(pk=subscriber.pk)
        if subscriber.confirmed_at is not None:
            return subscriber
        if subscriber.code_attempts >= MAX_CODE_ATTEMPTS:
            raise DomainError(_("Too many wrong codes. Ask for a new code."), code="too_many_attempts")
        if not subscriber.code_sent_at or timezone.now() - subscriber.code_sent_at > CODE_TTL:
            raise DomainError(_("The code has expired. Ask for a new code."), code="expired")
        wrong = not constant_time_compare(_code_hash(subscriber.token, (code or "").strip()), subscriber.code_hash)
        if wrong:
            subscriber.code_attempts += 1  # committed: the raise below comes after the transaction
            subscriber.save(update_fields=["code_attempts"])
        else:
            subscriber.confirmed_at = timezone.now()
            subscriber.code_hash = ""
            subscriber.save(update_fields=["confirmed_at", "code_hash"])
    if wrong:
        raise DomainError(_("That code is not right."), code="wrong_code")
    message = messages.subscription_welcome(
        station_name=subscriber.station.name,
        unsubscribe_url=channels.absolute(reverse("portal:unsubscribe", args=[subscriber.token])),
    )
    try:
        channels.send_direct(
            channel=subscriber.channel,
            address=subscriber.address,
            title=message.title,
            text=message.text,
            recipient=subscriber.recipient,
        )
    except Exception as exc:  # noqa: BLE001 - the subscription holds; the welcome is a courtesy
        logger.warning("welcome message to %s not sent (%s)", subscriber.recipient, type(exc).__name__)
    return subscriber


def subscription_cancel(*, token: str) -> bool:
    """One-click unsubscribe: the row (the address) is deleted. Returns whether there was one."""
    return Subscriber.objects.filter(token=token).delete()[0] > 0


# --- in-site inbox ------------------------------------------------------------------------------------------------


def inbox_mark_read(*, user, message_id: int | None = None) -> int:
    """Mark one of the user's messages (or all of them) read."""
    messages_qs = InboxMessage.objects.filter(user=user, read_at__isnull=True)
    if message_id is not None:
        messages_qs = messages_qs.filter(pk=message_id)
    return messages_qs.update(read_at=timezone.now())
