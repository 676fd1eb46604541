"""The planner registry: other capabilities describe *what* is due; the outbox (``notices.planner``) turns it
into notice rows and delivers each row exactly once (``notices.delivery``).

Two kinds of planner register here, and the daily job runs them all (``notices.planner.run_planner``, at 08:00
Asia/Shanghai, also ``manage.py send_reception_notices``):

**Reminder planners** describe reminders; the outbox writes the rows. A capability registers one for its kind::

    from notices.reminders import Reminder, reminder_planner

    @reminder_planner("opinion_deadline")
    def plan_opinion_deadline_reminders(*, today):
        yield Reminder(kind="opinion_deadline", key=f"opinion:{o.pk}:answer:{o.answer_due}",
                       recipient_user_id=user.pk, text="…", station_id=o.station_id)

Planners are pure reads: they may be called several times a day and must yield the same ``key`` for the
same occurrence, because (kind, key, recipient, channel) is unique in the notice table: a second run adds
nothing. The outbox records one ``notices.Notice`` row per reminder and channel that can reach the recipient
(``notices.recipients.reachable``: a phone for ``sms``, an e-mail address for ``email``, an account for
``site``: the in-site inbox). A reminder planner that raises is logged and skipped; the others still run.

**Row planners** write their rows themselves, because what they plan is a write of their own app too: the
reception days (``stations.reminders``) are published (a status and a timestamp on the day) in the same
transaction that records their notices, and past days are closed. A row planner is called as
``func(*, today, enqueue, report)``: it records rows with ``notices.planner.record_notices``, queues them
with ``queue_after_commit`` when ``enqueue`` is true, and adds what it did to ``report`` (a ``PlanReport``).
Row planners run before the reminders, by ``order`` then name; one that raises stops the run (its own
transaction rolled back), as a failed publication must be seen, not skipped.

Put either in ``<app>/reminders.py``: ``NoticesConfig.ready`` imports those modules (``autodiscover``) in every
process, the web, the worker and the beat alike.
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

    @property
    def recipient(self) -> str:
        """The notice row's recipient string (``notices.recipients``)."""
        if self.recipient_user_id is not None:
            return f"user:{self.recipient_user_id}"
        return f"deputy:{self.recipient_deputy_id}"


Planner = Callable[..., Iterable[Reminder]]
PLANNERS: dict[str, Planner] = {}

RowPlanner = Callable[..., None]  # func(*, today, enqueue, report)
ROW_PLANNERS: dict[str, tuple[int, RowPlanner]] = {}


def reminder_planner(kind: str) -> Callable[[Planner], Planner]:
    """Register ``func(*, today)`` as the planner of reminders of ``kind``."""

    def register(func: Planner) -> Planner:
        if kind in PLANNERS and PLANNERS[kind] is not func:
            raise ValueError(f"a planner for {kind!r} is already registered")
        PLANNERS[kind] = func
        return func

    return register


def row_planner(name: str, *, order: int = 0) -> Callable[[RowPlanner], RowPlanner]:
    """Register ``func(*, today, enqueue, report)`` as a planner that records its notice rows itself; lower
    ``order`` runs first."""

    def register(func: RowPlanner) -> RowPlanner:
        if name in ROW_PLANNERS and ROW_PLANNERS[name][1] is not func:
            raise ValueError(f"a row planner {name!r} is already registered")
        ROW_PLANNERS[name] = (order, func)
        return func

    return register


def row_planners() -> list[tuple[str, RowPlanner]]:
    """The registered row planners in the order they run."""
    ranked = sorted(ROW_PLANNERS.items(), key=lambda item: (item[1][0], item[0]))
    return [(name, func) for name, (_order, func) in ranked]


def due_reminders(*, today: datetime.date) -> Iterable[Reminder]:
    """Every registered planner's reminders for ``today``."""
    for planner in list(PLANNERS.values()):
        yield from planner(today=today)


def autodiscover() -> None:
    """Import every installed app's ``reminders`` module so its planners are registered (``NoticesConfig.ready``;
    importing them again is free)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("reminders")
