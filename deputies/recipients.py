"""Deputies as recipients of notices (``notices.recipients``): ``deputy:<id>`` reaches a deputy by SMS on their
phone, by e-mail when they have an address, and in the in-site inbox when they have an account.

Registered here, not in the outbox, because the outbox sits below the deputies app and cannot know a deputy's
record; it stores only the string ``deputy:<id>`` and asks this resolver for the address when it sends, so a
corrected phone number is the one used.
"""

from __future__ import annotations

from collections.abc import Collection

from notices.recipients import Addresses, recipient_kind

from .models import Deputy


@recipient_kind("deputy")
def deputy_addresses(pks: Collection[int]) -> dict[int, Addresses]:
    rows = Deputy.objects.filter(pk__in=pks).values_list("pk", "phone", "email", "user_id")
    return {pk: Addresses(sms=phone or "", email=email or "", site=user_id) for pk, phone, email, user_id in rows}
