"""Reads of the outbox: a user's in-site inbox, the staff list of notice rows."""

from .models import InboxMessage, Notice


def inbox_for(*, user, limit: int = 20):
    """The user's in-site messages, newest first (a list of ``InboxMessage``; one query). For
    ``templates/desk/_inbox.html``, which lists the ``inbox`` of its context."""

    if not getattr(user, "is_authenticated", False):
        return []
    return list(InboxMessage.objects.filter(user=user).order_by("-created_at", "-pk")[:limit])


def inbox_unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return InboxMessage.objects.filter(user=user, read_at__isnull=True).count()


def notice_staff_base():
    return Notice.objects.select_related("reception_day")
