"""Personal data of visitors and citizens: masking for lists, exports and public pages.

Names and phones are masked by default everywhere (``张*``, ``138****5678``); only a user allowed to unmask
sees one record in full, and each such look is logged (``visits.models.UnmaskLog``). Contact details the
outbox uses (a subscriber's phone or e-mail) are masked the same way and scrubbed from provider errors and logs.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

UNMASK_PERMISSION = "visits.unmask_personal_data"

# Mainland mobile numbers and 18-digit resident ID numbers, wherever they appear in free text.
MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+)")
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
PHONE_HELP = _("A mainland mobile number (11 digits) or a landline such as 0731-88888888.")


def mask_name(name: str) -> str:
    """``张三丰`` → ``张**``; empty stays empty."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``; a short number keeps only its last two digits."""
    digits = (phone or "").strip()
    if not digits:
        return ""
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(1, len(digits) - 2) + digits[-2:]


def scrub_text(text: str) -> str:
    """Mask mobile and ID numbers inside free text shown to the public (answers, reasons)."""
    text = MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text or "")
    return ID_NUMBER_RE.sub(lambda m: f"{m.group(1)}********{m.group(3)}", text)


def mask_contact(address: str) -> str:
    """``13812345678`` → ``138****5678``; ``wang.li@example.cn`` → ``w***@example.cn``."""
    address = (address or "").strip()
    if "@" in address:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(address)


def scrub(text: str) -> str:
    """Mask phone numbers and e-mail addresses inside free text (provider error messages, logs)."""
    text = MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", str(text or ""))
    return EMAIL_RE.sub(lambda m: f"{m.group(1)}***{m.group(2)}", text)


def normalise_phone(phone: str) -> str:
    return re.sub(r"[\s()（）]", "", phone or "")


def is_valid_phone(phone: str) -> bool:
    return bool(PHONE_RE.match(phone))


def can_unmask(user) -> bool:
    """A role holding ``personal_data.unmask`` (county staff, system administrators) and the Django permission
    ``visits.unmask_personal_data`` may unmask one record; a superuser holds both."""
    from .access import has_permission

    return has_permission(user, "personal_data.unmask") and user.has_perm(UNMASK_PERMISSION)
