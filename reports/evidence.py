"""The evidence of an evaluation item, stored once and read in the reader's language.

A rule (``reports.rules``) says what it counted and what is missing as *messages*: an English msgid with its
parameters (``message(gettext_noop("no resident deputy of level %(level)s"), level=choice("level", "city"))``),
kept as JSON on ``ItemScore.evidence``. Pages, exports, PDFs and the API render them with ``render`` /
``rendered`` in the active language, so the same sheet reads in Chinese on a Chinese page and in English through
an English API call. Plain strings are data (dates, titles, names, tracking codes) and are shown as they are;
evidence stored before messages existed is plain strings too and still reads.

Entry shapes (JSON-safe)::

    "2025-03-28、2025-04-28"                       data, shown as is
    {"msg": "%(n)s/4 set", "params": {"n": 3}}      a message of the catalogue, parameters rendered first
    {"choice": "level", "value": "city"}            the label of a choice, e.g. ``Level.CITY`` → 市级
"""

from __future__ import annotations

from django.utils.translation import gettext


def message(msgid: str, **params) -> dict:
    """A message to store: mark ``msgid`` with ``gettext_noop`` at the call, so it reaches the catalogue."""
    return {"msg": msgid, "params": params} if params else {"msg": msgid}


def choice(kind: str, value: str) -> dict:
    """The label of a choice, rendered at display time (see ``_choices`` for the kinds)."""
    return {"choice": kind, "value": value}


def _choices() -> dict:
    from stations.levels import Level
    from stations.models import StationStaff

    return {"level": Level, "staff_role": StationStaff.Role}


def render(entry) -> str:
    """One stored entry in the active language."""
    if isinstance(entry, dict):
        if "msg" in entry:
            text = gettext(entry["msg"])
            params = {key: render(value) for key, value in (entry.get("params") or {}).items()}
            if not params:
                return text
            try:
                return text % params
            except (KeyError, ValueError, TypeError):  # a broken translation: the English message still reads
                return entry["msg"] % params
        if "choice" in entry:
            choices = _choices().get(entry["choice"])
            try:
                return str(choices(entry["value"]).label) if choices else str(entry["value"])
            except ValueError:
                return str(entry["value"])
    if isinstance(entry, list):
        return "、".join(render(e) for e in entry)
    return "" if entry is None else str(entry)


def rendered(evidence: dict | None) -> dict:
    """A stored evidence ``{"summary", "counted", "missing"}`` as strings in the active language."""
    evidence = evidence or {}
    return {
        "summary": render(evidence.get("summary", "")),
        "counted": [render(e) for e in evidence.get("counted", [])],
        "missing": [render(e) for e in evidence.get("missing", [])],
    }
