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
# The same, as people write them: ``138-1234-5678``, ``138 1234 5678``, ``+86 138 1234 5678``, ``8613812345678``.
SEPARATED_MOBILE_RE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
# Landlines with their area code: ``0731-88888888``, ``0731 88888888``, ``(0731)88888888``, ``（0731）88888888``.
LANDLINE_RE = re.compile(
    r"(?<![\dA-Za-z-])(?P<area>[(（]0\d{2,3}[)）]|0\d{2,3})[\s-]?(?:\d{7,8}|\d{3,4}[\s-]\d{4})(?![\d-])"
)
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


def scrub_text(text: str, *, names=()) -> str:
    """Mask personal data inside free text shown to the public (answers, reasons, summaries): see ``scrub``."""
    return scrub(text, names=names)


def mask_contact(address: str) -> str:
    """``13812345678`` → ``138****5678``; ``wang.li@example.cn`` → ``w***@example.cn``."""
    address = (address or "").strip()
    if "@" in address:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(address)


def _mask_mobile(m: re.Match) -> str:
    return f"{m.group(1)}****{m.group(3)}"


def _mask_landline(m: re.Match) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    area = re.sub(r"\D", "", m.group("area"))
    return f"{area}-****{digits[-4:]}"


def _name_pattern(name: str) -> re.Pattern | None:
    """The name as written, or with spaces or a middle dot between family and given name (``张 三``)."""
    name = re.sub(r"\s+", "", name or "")
    if len(name) < 2:  # a lone character would mask every word it is part of
        return None
    parts = r"[\s·・.]*".join(re.escape(c) for c in name)
    return re.compile(rf"(?<![A-Za-z]){parts}(?![A-Za-z])", re.IGNORECASE)


def scrub(text: str, *, names=()) -> str:
    """Mask personal data inside free text: mobile numbers in any common writing (``138-1234-5678``,
    ``+86 138 1234 5678``) → ``138****5678``, landlines (``0731-88888888``, ``(0731)88888888``) →
    ``0731-****8888``, 18-digit ID numbers → their first 6 and last 4 characters, e-mail addresses → ``w***@…``,
    and each of ``names`` (a citizen's name, also written ``张 三``) → ``张*``. Dates and amounts stay as they are.

    Used for staff text the public portal shows and for provider errors and logs."""
    text = str(text or "")
    for name in names or ():
        pattern = _name_pattern(name)
        if pattern is not None:
            masked = mask_name(re.sub(r"\s+", "", name))
            text = pattern.sub(masked, text)
    text = ID_NUMBER_RE.sub(lambda m: f"{m.group(1)}********{m.group(3)}", text)
    text = SEPARATED_MOBILE_RE.sub(_mask_mobile, text)
    text = LANDLINE_RE.sub(_mask_landline, text)
    return EMAIL_RE.sub(lambda m: f"{m.group(1)}***{m.group(2)}", text)


def has_personal_data(text: str) -> bool:
    """Whether ``scrub`` would mask a phone or ID number in ``text`` (a warning to staff before it is public)."""
    text = str(text or "")
    return any(r.search(text) for r in (ID_NUMBER_RE, SEPARATED_MOBILE_RE, LANDLINE_RE))


PUBLIC_TEXT_WARNING = _(
    "The text contains a phone or ID number: it was saved, but the public page shows it masked (138****5678)."
)


def normalise_phone(phone: str) -> str:
    return re.sub(r"[\s()（）]", "", phone or "")


def is_valid_phone(phone: str) -> bool:
    return bool(PHONE_RE.match(phone))


def can_unmask(user) -> bool:
    """A role holding ``personal_data.unmask`` (county staff, system administrators) and the Django permission
    ``visits.unmask_personal_data`` may unmask one record; a superuser holds both."""
    from .access import has_permission

    return has_permission(user, "personal_data.unmask") and user.has_perm(UNMASK_PERMISSION)
