"""How people are named on the pages: ``{{ user|person }}`` (one rule: ``accounts.models.display_name``)."""

from django import template

from accounts.models import display_name

register = template.Library()


@register.filter
def person(user) -> str:
    """A user's name as Chinese writes it, family name first (刘秀梅); a Latin name "Given Family"; without a
    name, the username."""
    return display_name(user)
