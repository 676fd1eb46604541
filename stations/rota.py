"""The duty rota: which resident deputies are on duty on a station's reception day.

The rule, in order of priority:

1. nobody serves two reception days in a row when there are enough others (the previous day's deputies come
   last);
2. round robin: whoever has waited longest since their last duty goes first (never served, or not within the
   station's last ``WINDOW`` reception days, counts as longest), so everyone serves equally often;
3. among those whose last duty was the same day, whoever waited longer before it (and so on: who served less
   recently overall); this matters when the pool is too small to avoid serving twice in a row;
4. then the rota's order, continuing the cycle where the previous day stopped. Levels mix through that order:
   the rota lists the deputies so that each level is spread evenly over the cycle (``order_by_level``), so any
   two or three consecutive places mix levels as far as the station's residents allow. A station officer's
   explicit order replaces it.

With enough deputies this is a plain cyclic rotation (n deputies, k a day: each serves k out of every n days).
``pick_duty`` is a pure function so the generator, the demo and the tests share exactly the same rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WINDOW = 12  # reception days looked back on for fairness: one year of 28ths


@dataclass(frozen=True)
class Candidate:
    deputy_id: int
    level: str = ""  # the deputy's highest level, for mixing
    position: int = 0  # the rota's order (or the order of joining the station)


@dataclass
class History:
    """What a station's last ``WINDOW`` non-cancelled reception days say about its deputies."""

    previous: frozenset[int] = frozenset()  # on duty on the station's last day before this one
    served: dict[int, tuple[datetime.date, ...]] | None = None  # each deputy's duty dates, newest first

    @classmethod
    def from_days(cls, days: Sequence[tuple[datetime.date, Iterable[int]]]) -> History:
        """``days``: (date, deputy ids) of the station's earlier days, any order; only the last WINDOW count."""
        recent = sorted(days, key=lambda d: d[0])[-WINDOW:]
        served: dict[int, list[datetime.date]] = {}
        for date, deputy_ids in reversed(recent):
            for deputy_id in deputy_ids:
                served.setdefault(deputy_id, []).append(date)
        previous = frozenset(recent[-1][1]) if recent else frozenset()
        return cls(previous=previous, served={d: tuple(dates) for d, dates in served.items()})

    def waited(self, deputy_id: int) -> tuple[datetime.date, ...]:
        """Sorts whoever waited longest first: the last duty, then the one before, …; fewer duties (padded with
        the earliest date) count as waiting longer."""
        dates = (self.served or {}).get(deputy_id, ())
        return dates + (datetime.date.min,) * (WINDOW - len(dates))


def default_per_day(pool_size: int) -> int:
    """About two or three a day: three when six or more take part, otherwise two (or fewer if fewer exist)."""
    return 3 if pool_size >= 6 else min(2, pool_size)


def pick_duty(candidates: Sequence[Candidate], *, history: History, per_day: int | None = None) -> list[int]:
    """The deputies on duty for one day, in the order picked (see the module docstring for the rule)."""
    if not candidates:
        return []
    k = min(per_day or default_per_day(len(candidates)), len(candidates))
    n = len(candidates)
    # The cycle goes on where the previous day stopped: its last place is the one whose successor was not on duty.
    places = {c.deputy_id: i for i, c in enumerate(candidates)}
    before = {places[d] for d in history.previous if d in places}
    end = next((i for i in sorted(before) if (i + 1) % n not in before), -1)
    ranked = sorted(
        range(n),
        key=lambda i: (
            candidates[i].deputy_id in history.previous,
            history.waited(candidates[i].deputy_id),
            (i - end - 1) % n,
        ),
    )
    return [candidates[i].deputy_id for i in ranked[:k]]


def order_by_level(members: Sequence[tuple[int, str]], *, level_rank: dict[str, int]) -> list[tuple[int, str]]:
    """(deputy id, level) pairs, kept in their order within a level, with each level spread evenly over the
    whole list: a level of s deputies takes the places at (j + ½)/s of the way for j = 0…s−1."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for member in members:
        groups.setdefault(member[1], []).append(member)
    keyed = [
        ((j + 0.5) / len(group), level_rank.get(level, len(level_rank)), member)
        for level, group in groups.items()
        for j, member in enumerate(group)
    ]
    return [member for _share, _rank, member in sorted(keyed, key=lambda item: item[:2])]
