"""Strict date arguments: a bad value is a one-line error with exit status 2, and nothing is written."""

import datetime
import re

from django.core.management.base import CommandError


def _bad(what: str, value: str, expected: str) -> CommandError:
    return CommandError(f"invalid {what} {value!r}: expected {expected}", returncode=2)


def parse_month(value: str) -> datetime.date:
    """``YYYY-MM`` → the first day of that month."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", value or "")
    if not match:
        raise _bad("month", value, "YYYY-MM, e.g. 2027-03")
    try:
        return datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise _bad("month", value, "YYYY-MM with a month from 01 to 12") from None


def parse_day(value: str) -> datetime.date:
    """``YYYY-MM-DD`` → a date that exists in the calendar."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value or "")
    if not match:
        raise _bad("date", value, "YYYY-MM-DD, e.g. 2027-03-25")
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise _bad("date", value, "a real calendar date (YYYY-MM-DD)") from None
