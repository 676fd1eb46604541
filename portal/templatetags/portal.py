"""Template helpers of the public portal."""

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext

from core.privacy import scrub

register = template.Library()


@register.filter
def long_date(value):
    """A date with its weekday, in the order the language writes it ("Saturday, Nov. 28, 2026"; "2026年11月28日
    星期六") — the weekday matters to people planning a visit."""
    if not value:
        return ""
    return gettext("%(weekday)s, %(date)s") % {
        "weekday": date_format(value, "l"),
        "date": date_format(value, "DATE_FORMAT"),
    }


@register.filter
def levels_label(levels):
    """Level labels joined the way the language lists them ("City, County/district"; "市、区县")."""
    return gettext(", ").join(str(level.label) for level in levels)


@register.filter
def days_until(date, today):
    """Whole days from ``today`` to ``date`` (negative in the past)."""
    try:
        return (date - today).days
    except TypeError:
        return None


@register.filter(name="scrub")
def scrub_filter(value):
    """Staff text on a public page, with phone and ID numbers masked (``core.privacy.scrub``)."""
    return scrub(value) if value else value
