"""Template helpers of the staff pages: ``{% if user|may:"evaluation.overview" %}`` asks the permission table."""

from django import template

from core.access import has_permission

register = template.Library()


@register.filter
def may(user, permission: str) -> bool:
    return has_permission(user, permission)
