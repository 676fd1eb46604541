"""Who receives a notice, and where: a registry of recipient kinds.

A recipient is a stable string ``<kind>:<id>`` (``user:3``, ``subscriber:5``, ``deputy:12``, ``opinion:42``).
Notice rows keep only that string; the phone number, e-mail address or account is looked up when the notice is
sent, so a corrected address is used and the notice table holds no personal data.

The outbox cannot know every kind of person an app sends to (it sits below the apps that have them), so each kind
is registered by the app that owns its records: notices owns ``user`` (an account) and ``subscriber`` (a resident
who opted in); the deputies app registers ``deputy`` and the visits app ``opinion`` (the citizen who left a phone
with an opinion), in their ``recipients`` modules::

    from notices.recipients import Addresses, recipient_kind

    @recipient_kind("deputy")
    def deputy_addresses(pks):
        return {pk: Addresses(sms=phone, email=email, site=user_id) for pk, phone, email, user_id in ...}

A kind's function takes a set of ids and answers, in one query, the ``Addresses`` of those it can reach (an id
it leaves out has none: gone, unsubscribed, deactivated). ``reachable`` asks it for many recipients at once when
a planner decides which rows to record; ``address_of`` asks it for one when a row is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Channel, Subscriber


class PermanentFailure(Exception):
    """The notice can never be delivered (no address on this channel, unsubscribed): no retry."""


@dataclass(frozen=True)
class Addresses:
    """Where one recipient can be reached: a phone, an e-mail address, a user id for the in-site inbox (empty or
    ``None``: not on that channel), and the unsubscribe token a subscriber's messages carry."""

    sms: str = ""
    email: str = ""
    site: int | None = None
    token: str = ""

    def on(self, channel: str) -> str | int | None:
        return {Channel.SMS: self.sms, Channel.EMAIL: self.email, Channel.SITE: self.site}.get(channel) or None

    def channels(self) -> list[str]:
        return [c for c in (Channel.SMS, Channel.EMAIL, Channel.SITE) if self.on(c)]


Resolver = Callable[[Collection[int]], dict[int, Addresses]]


@dataclass(frozen=True)
class RecipientKind:
    resolve: Resolver
    missing: str  # why a recipient the resolver does not answer for cannot be reached


KINDS: dict[str, RecipientKind] = {}


def recipient_kind(kind: str, *, missing=None) -> Callable[[Resolver], Resolver]:
    """Register ``func(pks) -> {pk: Addresses}`` as the resolver of recipients ``<kind>:<pk>``. ``missing`` is
    the error recorded on a notice whose recipient the resolver no longer answers for."""

    def register(func: Resolver) -> Resolver:
        if kind in KINDS and KINDS[kind].resolve is not func:
            raise ValueError(f"a resolver for recipients {kind!r} is already registered")
        KINDS[kind] = RecipientKind(resolve=func, missing=missing or gettext_lazy("Unknown recipient."))
        return func

    return register


def autodiscover() -> None:
    """Import every installed app's ``recipients`` module so its kinds are registered (``NoticesConfig.ready``: a
    worker sending a notice may never have imported the app that wrote it)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("recipients")


def _parse(recipient: str) -> tuple[str, int] | None:
    kind, _sep, pk = recipient.partition(":")
    return (kind, int(pk)) if pk.isdigit() else None


def contact_channels(*, phone: str, email: str, user_id: int | None) -> list[str]:
    """A person with contact details gets an SMS when they have a phone, an e-mail when they have an address,
    and an in-site message when they have an account (the rule for deputies; planners that hold the details
    already, prefetched, use it instead of asking ``reachable``)."""
    return Addresses(sms=phone, email=email, site=user_id).channels()


def reachable(recipients: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (recipient, channel) pairs that have an address on that channel (one query per kind of recipient): a
    reminder is not recorded for a channel that cannot reach its recipient. A kind nobody registered reaches
    nobody."""
    wanted = list(recipients)
    ids: dict[str, set[int]] = {}
    for recipient, _channel in wanted:
        parsed = _parse(recipient)
        if parsed and parsed[0] in KINDS:
            ids.setdefault(parsed[0], set()).add(parsed[1])
    channels: dict[str, set[str]] = {}
    for kind, pks in ids.items():
        for pk, addresses in KINDS[kind].resolve(pks).items():
            channels[f"{kind}:{pk}"] = set(addresses.channels())
    return {(r, c) for r, c in wanted if c in channels.get(r, set())}


def address_of(recipient: str, channel: str) -> tuple[str | int, str]:
    """The address to deliver to on ``channel`` (a phone, an e-mail address or a user id) and, for subscribers,
    their unsubscribe token. Raises ``PermanentFailure`` when there is none."""
    parsed = _parse(recipient)
    registered = KINDS.get(parsed[0]) if parsed else None
    if registered is None:
        raise PermanentFailure(_("Unknown recipient."))
    addresses = registered.resolve({parsed[1]}).get(parsed[1])
    if addresses is None:
        raise PermanentFailure(str(registered.missing))
    address = addresses.on(channel)
    if not address:
        raise PermanentFailure(_("No address on this channel."))
    return address, addresses.token


# --- the kinds the outbox owns ------------------------------------------------------------------------------------


@recipient_kind("user")
def user_addresses(pks: Collection[int]) -> dict[int, Addresses]:
    """An active account: its phone, its e-mail address, its inbox."""
    rows = get_user_model().objects.filter(pk__in=pks, is_active=True).values_list("pk", "phone", "email")
    return {pk: Addresses(sms=phone or "", email=email or "", site=pk) for pk, phone, email in rows}


@recipient_kind("subscriber", missing=gettext_lazy("The subscriber has unsubscribed."))
def subscriber_addresses(pks: Collection[int]) -> dict[int, Addresses]:
    """A confirmed subscriber: the one address they gave, on the channel they chose, and their unsubscribe
    token (every message carries the one-click link)."""
    rows = Subscriber.objects.confirmed().filter(pk__in=pks).values_list("pk", "channel", "address", "token")
    return {
        pk: Addresses(**{"sms" if channel == Channel.SMS else "email": address}, token=token)
        for pk, channel, address, token in rows
    }
