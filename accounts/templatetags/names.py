"""``{% load names %}{{ user|display_name }}``: a person's name as the portal prints it
(``accounts.models.display_name``)."""

from django import template

from accounts.models import display_name as _display_name

register = template.Library()


@register.filter
def display_name(person) -> str:
    return _display_name(person)
