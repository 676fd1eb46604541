"""Masking of the contact details notices use: never shown in full, never logged."""

from __future__ import annotations

import re

MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+)")


def mask_contact(address: str) -> str:
    """``13812345678`` → ``138****5678``; ``wang.li@example.cn`` → ``w***@example.cn``."""
    address = (address or "").strip()
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(address) >= 11:
        return f"{address[:3]}****{address[-4:]}"
    return "*" * max(1, len(address) - 2) + address[-2:]


def scrub(text: str) -> str:
    """Mask phone numbers and e-mail addresses inside free text (provider error messages, logs)."""
    text = MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", str(text or ""))
    return EMAIL_RE.sub(lambda m: f"{m.group(1)}***{m.group(2)}", text)
