"""The generic reminder interface: other capabilities describe *what* is due; the notices machinery
(stations app) turns each ``Reminder`` into notice rows and delivers them exactly once.

A capability registers a planner for its kind::

    from notices.reminders import Reminder, reminder_planner

    @reminder_planner("opinion_deadline")
    def plan_opinion_deadline_reminders(*, today):
        yield Reminder(kind="opinion_deadline", key=f"opinion:{o.pk}:answer:{o.answer_due}",
                       recipient_user_id=user.pk, text="…", station_id=o.station_id)

Planners are pure reads: they may be called several times a day and must yield the same ``key`` for the
same occurrence, because (kind, key, recipient, channel) is unique in the notice table: a second run adds
nothing.

Delivery: put the planner in ``<app>/reminders.py`` (imported automatically by ``autodiscover``). Every day at
08:00 Asia/Shanghai the planner job (``notices.planner.run_planner``, also
``manage.py send_reception_notices``) calls each planner, records one ``stations.Notice`` row per reminder and
channel that can reach the recipient (a user's or deputy's phone for ``sms``, e-mail for ``email``, account for
``site``: the in-site inbox), and sends each row exactly once with the same task as the reception notices. A
planner that raises is logged and skipped; the others still run.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

CHANNELS = ("sms", "email", "site")


@dataclass(frozen=True)
class Reminder:
    kind: str
    key: str  # identifies the occurrence, e.g. "opinion:42:answer:2026-03-05"
    text: str
    recipient_user_id: int | None = None
    recipient_deputy_id: int | None = None
    station_id: int | None = None
    channels: tuple[str, ...] = ("site",)

    def __post_init__(self):
        if (self.recipient_user_id is None) == (self.recipient_deputy_id is None):
            raise ValueError("a reminder goes to exactly one user or one deputy")
        unknown = set(self.channels) - set(CHANNELS)
        if unknown:
            raise ValueError(f"unknown channels: {sorted(unknown)}")


Planner = Callable[..., Iterable[Reminder]]
PLANNERS: dict[str, Planner] = {}


def reminder_planner(kind: str) -> Callable[[Planner], Planner]:
    """Register ``func(*, today)`` as the planner of reminders of ``kind``."""

    def register(func: Planner) -> Planner:
        if kind in PLANNERS and PLANNERS[kind] is not func:
            raise ValueError(f"a planner for {kind!r} is already registered")
        PLANNERS[kind] = func
        return func

    return register


def due_reminders(*, today: datetime.date) -> Iterable[Reminder]:
    """Every registered planner's reminders for ``today``."""
    autodiscover()
    for planner in list(PLANNERS.values()):
        yield from planner(today=today)


_discovered = False


def autodiscover() -> None:
    """Import every installed app's ``reminders`` module so its planners are registered (the worker and the
    beat process never import them otherwise). Cheap after the first call."""
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("reminders")
        _discovered = True
