"""Working days of the mainland China calendar: Monday–Friday, except public holidays, plus make-up working
days on weekends (调休). The exceptions live in ``core.models.CalendarException``.

``add_working_days(start, n)`` is the one function deadlines use. A bulk caller (demo data, reminder
planners) builds one ``WorkingDayCalendar`` and reuses it, so a thousand deadlines cost one query.
"""

from __future__ import annotations

import datetime

ONE_DAY = datetime.timedelta(days=1)


class WorkingDayCalendar:
    """Weekends plus a fixed set of exceptions ({date: is_working_day})."""

    def __init__(self, exceptions: dict[datetime.date, bool] | None = None):
        self.exceptions = dict(exceptions or {})

    @classmethod
    def load(cls, start: datetime.date | None = None, end: datetime.date | None = None) -> WorkingDayCalendar:
        """The exceptions from the database (between ``start`` and ``end`` when given), in one query."""
        from .models import CalendarException

        rows = CalendarException.objects.all()
        if start is not None:
            rows = rows.filter(date__gte=start)
        if end is not None:
            rows = rows.filter(date__lte=end)
        return cls(dict(rows.values_list("date", "is_working_day")))

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def add(self, start: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day after ``start`` (before it when ``n`` is negative); ``start`` itself does
        not count, so a deadline "within 2 working days" of a Friday receipt falls on Tuesday. ``n == 0``
        gives ``start`` if it is a working day, else the next working day."""
        day = start
        if n == 0:
            while not self.is_working_day(day):
                day += ONE_DAY
            return day
        step = ONE_DAY if n > 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def count_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
        if end < start:
            return -self.count_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count


def _window(start: datetime.date, n: int) -> tuple[datetime.date, datetime.date]:
    # n working days never span more than 2n + 40 calendar days (the longest holiday run is 9 days).
    span = datetime.timedelta(days=2 * abs(n) + 40)
    return (start, start + span) if n >= 0 else (start - span, start)


def add_working_days(start: datetime.date, n: int, *, calendar: WorkingDayCalendar | None = None) -> datetime.date:
    """The ``n``-th working day after ``start`` (see ``WorkingDayCalendar.add``); one query unless a
    preloaded ``calendar`` is given."""
    if calendar is None:
        calendar = WorkingDayCalendar.load(*_window(start, n))
    return calendar.add(start, n)


def is_working_day(day: datetime.date) -> bool:
    return WorkingDayCalendar.load(day, day).is_working_day(day)
