"""What the desk says after a save, a correction or a void, and the "undo" it offers right then.

A notice is a small dict (text, level, optional undo) kept in the session across a redirect and shown once at
the top of the next desk page (``{% desk_notice %}``), or put straight into a panel swapped by htmx. The undo
is a button posting to ``desk:record_undo``: after an entry it voids the record ("Undone right after entry"),
after an edit it undoes the edit, after a void it restores the record; the services decide whether it is still
allowed (``settings.UNDO_WINDOW_SECONDS``, the user's own change).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.access import has_permission
from visits.models import Opinion, Outreach, PracticalMatter, VisitLog
from visits.services import WRITE_PERMISSION, kind_of

SESSION_KEY = "desk_notice"
KINDS = ("visit_log", "outreach", "practical_matter", "opinion")
MODELS = {"visit_log": VisitLog, "outreach": Outreach, "practical_matter": PracticalMatter, "opinion": Opinion}
# kind → the desk panel showing its list (``desk.views_station.PANELS``) and the anchor of that panel
PANEL_OF_KIND = {
    "visit_log": "visits",
    "outreach": "outreach",
    "practical_matter": "practical_matters",
    "opinion": "opinions",
}
UNDO_OPS = ("entry", "edit", "void")


def describe(record) -> str:
    """The record in a few words, as the confirmation names it: "2026-12-02, 3 people received"."""
    kind = kind_of(record)
    if kind == "visit_log":
        n = record.people_count
        return ngettext("%(date)s, %(n)d person received", "%(date)s, %(n)d people received", n) % {
            "date": f"{record.date:%Y-%m-%d}",
            "n": n,
        }
    if kind == "outreach":
        n = record.people_count
        return ngettext(
            "%(date)s, %(deputy)s met %(n)d person at %(place)s",
            "%(date)s, %(deputy)s met %(n)d people at %(place)s",
            n,
        ) % {"date": f"{record.date:%Y-%m-%d}", "deputy": record.deputy.name, "n": n, "place": record.place}
    if kind == "practical_matter":
        return _("%(date)s, practical matter “%(title)s”") % {"date": f"{record.date:%Y-%m-%d}", "title": record.title}
    return _("opinion %(code)s") % {"code": record.tracking_code}


def record_date(record) -> datetime.date:
    if isinstance(record, Opinion):
        return timezone.localdate(record.received_at)
    return record.date


def notice(text: str, *, record=None, op: str = "", level: str = "success", panel: str = "") -> dict:
    """A notice; with ``op`` ("entry", "edit", "void") it offers to undo that on ``record``."""
    data = {"text": text, "level": level, "undo": None}
    if op:
        data["undo"] = {
            "url": reverse("desk:record_undo", kwargs={"kind": kind_of(record), "pk": record.pk}),
            "op": op,
            "panel": panel,
        }
    return data


def push(request, data: dict) -> None:
    """Keep ``data`` for the next desk page; a user without the station desk (a deputy correcting their own
    outreach) gets the text as a plain message on their own desk instead."""
    if has_permission(request.user, "desk.use"):
        request.session[SESSION_KEY] = data
        return
    level = {"success": messages.SUCCESS, "info": messages.INFO, "danger": messages.ERROR}.get(data["level"])
    messages.add_message(request, level or messages.INFO, data["text"])


def pop(request) -> dict | None:
    session = getattr(request, "session", None)
    return session.pop(SESSION_KEY, None) if session is not None else None


def saved_notice(record, *, panel: str = "") -> dict:
    """After a new entry: "Saved: …" with an undo that voids it."""
    return notice(_("Saved: %(what)s") % {"what": describe(record)}, record=record, op="entry", panel=panel)


def within_undo_window(moment) -> bool:
    return moment is not None and timezone.now() - moment <= datetime.timedelta(seconds=settings.UNDO_WINDOW_SECONDS)


def may_write(user, kind: str) -> bool:
    return has_permission(user, WRITE_PERMISSION[kind])


def back_url(request, record, *, fallback: str = "") -> str:
    """Where to go after acting on ``record``: the ``next`` the page passed (same site only), else the
    record's panel on its station's desk (or the user's own desk for a user without the station desk)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    if fallback:
        return fallback
    if has_permission(request.user, "desk.use"):
        return f"{reverse('desk:station', args=[record.station.code])}#{PANEL_OF_KIND[kind_of(record)]}"
    return reverse("desk:home")
