"""The records-changed hook: a write that sends no model signal (``bulk_create``, ``QuerySet.update``) says
which stations and months it touched, and whoever keeps derived data subscribes: the dashboard's rollups
(``reports.signals``) and the public pages' cache (``portal.cache``). So no feature app imports ``reports`` or
``portal`` to keep them current.

    from core.hooks import records_changed
    records_changed(station_ids=[12, 13], months=[datetime.date(2026, 11, 1)])

``station_ids=None`` means "any station" (the page cache drops every station page); ``months=None`` means no
monthly figure changed (only pages). Receivers run at once; they defer their own work to the commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.dispatch import Signal

changed = Signal()  # sender=None, station_ids: frozenset[int] | None, months: frozenset[date] | None


def records_changed(*, station_ids: Iterable[int] | None = None, months: Iterable[datetime.date] | None = None) -> None:
    changed.send(
        sender=None,
        station_ids=None if station_ids is None else frozenset(station_ids),
        months=None if months is None else frozenset(months),
    )


def records_changed_pairs(pairs: Iterable[tuple[int, datetime.date]]) -> None:
    """Several (station, day) pairs at once: one message per station with its months."""
    by_station: dict[int, set[datetime.date]] = {}
    for station_id, day in pairs:
        by_station.setdefault(station_id, set()).add(day)
    for station_id, days in by_station.items():
        records_changed(station_ids=[station_id], months=days)
