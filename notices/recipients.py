"""Who receives a notice, and where.

A recipient is a stable string: ``deputy:<id>``, ``subscriber:<id>`` or ``user:<id>``. Notice rows keep only
that string; the phone number, e-mail address or account is looked up when the notice is sent, so a corrected
address is used and the notice table holds no personal data.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from deputies.models import Deputy

from .models import Channel, Subscriber


class PermanentFailure(Exception):
    """The notice can never be delivered (no address on this channel, unsubscribed): no retry."""


def deputy_channels(*, phone: str, email: str, user_id: int | None) -> list[str]:
    """A deputy gets an SMS, an e-mail when they have an address, and an in-site message when they have an
    account."""
    channels = []
    if phone:
        channels.append(Channel.SMS)
    if email:
        channels.append(Channel.EMAIL)
    if user_id:
        channels.append(Channel.SITE)
    return channels


def reception_recipients(day) -> list[tuple[str, str]]:
    """(recipient, channel) for a reception day: its deputies on duty, then the station's confirmed
    subscribers. Two queries, whatever the number of subscribers."""
    pairs: list[tuple[str, str]] = []
    for deputy in day.duty_deputies.all():
        for channel in deputy_channels(phone=deputy.phone, email=deputy.email, user_id=deputy.user_id):
            pairs.append((f"deputy:{deputy.pk}", channel))
    subscribers = Subscriber.objects.confirmed().filter(station_id=day.station_id).order_by("pk")
    pairs.extend((f"subscriber:{pk}", channel) for pk, channel in subscribers.values_list("pk", "channel"))
    return pairs


def reachable(recipients: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (recipient, channel) pairs of users and deputies that have an address on that channel (one query per
    kind of recipient): a reminder is not recorded for a channel that cannot reach its recipient."""
    wanted = list(recipients)
    ids: dict[str, set[int]] = {"user": set(), "deputy": set()}
    for recipient, _channel in wanted:
        kind, _sep, pk = recipient.partition(":")
        if kind in ids and pk.isdigit():
            ids[kind].add(int(pk))
    addresses: dict[str, set[str]] = {}
    User = get_user_model()
    for pk, phone, email, active in User.objects.filter(pk__in=ids["user"]).values_list(
        "pk", "phone", "email", "is_active"
    ):
        if active:
            addresses[f"user:{pk}"] = {
                c for c, ok in ((Channel.SMS, phone), (Channel.EMAIL, email), (Channel.SITE, True)) if ok
            }
    for pk, phone, email, user_id in Deputy.objects.filter(pk__in=ids["deputy"]).values_list(
        "pk", "phone", "email", "user_id"
    ):
        addresses[f"deputy:{pk}"] = set(deputy_channels(phone=phone, email=email, user_id=user_id))
    return {(r, c) for r, c in wanted if c in addresses.get(r, set())}


def address_of(recipient: str, channel: str) -> tuple[str | int, str]:
    """The address to deliver to on ``channel`` (a phone, an e-mail address or a user id) and, for subscribers,
    their unsubscribe token. Raises ``PermanentFailure`` when there is none."""
    kind, _sep, raw_pk = recipient.partition(":")
    if not raw_pk.isdigit():
        raise PermanentFailure(_("Unknown recipient."))
    pk = int(raw_pk)
    if kind == "subscriber":
        row = Subscriber.objects.filter(pk=pk).values("channel", "address", "token", "confirmed_at").first()
        if row is None or row["confirmed_at"] is None:
            raise PermanentFailure(_("The subscriber has unsubscribed."))
        if row["channel"] != channel:
            raise PermanentFailure(_("No address on this channel."))
        return row["address"], row["token"]
    if kind == "deputy":
        row = Deputy.objects.filter(pk=pk).values("phone", "email", "user_id").first()
        if row is None:
            raise PermanentFailure(_("Unknown recipient."))
        phone, email, user_id = row["phone"], row["email"], row["user_id"]
    elif kind == "user":
        row = get_user_model().objects.filter(pk=pk, is_active=True).values("phone", "email").first()
        if row is None:
            raise PermanentFailure(_("Unknown recipient."))
        phone, email, user_id = row["phone"], row["email"], pk
    else:
        raise PermanentFailure(_("Unknown recipient."))
    address = {Channel.SMS: phone, Channel.EMAIL: email, Channel.SITE: user_id}.get(channel)
    if not address:
        raise PermanentFailure(_("No address on this channel."))
    return address, ""
