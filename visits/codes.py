"""Tracking codes and rating keys: unguessable, easy to read out and type on a phone."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

# No 0/O, 1/I/L: nothing a citizen can misread. 31 symbols ** 12 ≈ 2**59 codes.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_LEN = 3, 4
TRACKING_CODE_RE = re.compile(rf"^[{ALPHABET}]{{{GROUP_LEN}}}(-[{ALPHABET}]{{{GROUP_LEN}}}){{{GROUPS - 1}}}$")


def _group(raw: str) -> str:
    return "-".join(raw[i : i + GROUP_LEN] for i in range(0, len(raw), GROUP_LEN))


def new_tracking_code(rng=None) -> str:
    """``7KQ2-M9XD-4HPA``. ``rng`` (a seeded ``random.Random``) only for deterministic demo data."""
    choice = rng.choice if rng is not None else secrets.choice
    return _group("".join(choice(ALPHABET) for _ in range(GROUPS * GROUP_LEN)))


def normalise_tracking_code(value: str) -> str:
    """Accept lower case, spaces and missing dashes: ``7kq2 m9xd 4hpa`` → ``7KQ2-M9XD-4HPA``."""
    raw = re.sub(r"[^0-9A-Za-z]", "", value or "").upper()
    raw = raw.replace("O", "0").replace("I", "1").replace("L", "1")
    return _group(raw) if len(raw) == GROUPS * GROUP_LEN else raw


def new_rating_key() -> str:
    """Six symbols shown once at submission to a citizen who gave no phone: they prove it is them."""
    return "".join(secrets.choice(ALPHABET) for _ in range(6))


def hash_rating_key(key: str) -> str:
    key = re.sub(r"[^0-9A-Za-z]", "", key or "").upper()
    return hmac.new(settings.SECRET_KEY.encode(), f"rating-key:{key}".encode(), hashlib.sha256).hexdigest()
