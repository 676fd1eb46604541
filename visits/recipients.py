"""The citizen of an opinion as a recipient of notices (``notices.recipients``): ``opinion:<id>`` reaches the
phone the citizen left with the opinion, by SMS only (no account, no e-mail address is ever asked of them).

Registered here because the outbox sits below the visits app; it keeps only ``opinion:<id>`` in its rows and
asks for the phone when it sends. An opinion without a phone (never given, or erased when the opinion was
anonymised) has no address: its notice fails at once and is not retried.
"""

from __future__ import annotations

from collections.abc import Collection

from notices.recipients import Addresses, recipient_kind

from .models import Opinion


@recipient_kind("opinion")
def opinion_addresses(pks: Collection[int]) -> dict[int, Addresses]:
    rows = Opinion.objects.filter(pk__in=pks).exclude(citizen_phone="").values_list("pk", "citizen_phone")
    return {pk: Addresses(sms=phone) for pk, phone in rows}
