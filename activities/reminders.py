"""The reminder of activities, delivered by the notices machinery (notices.reminders):

- ``activity_gap``: each station holds at least one activity a quarter. On the first day of the quarter's last
  month (1 March, 1 June, 1 September, 1 December) a station with no activity yet in the quarter reminds its
  head and liaison officer. The planner answers for every day of that last month with the same key, so a day
  missed (a broker outage, a worker down) is caught up the next day, never sent twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils.translation import gettext as _

from notices.reminders import Reminder, reminder_planner
from stations.models import StationStaff

from .selectors import quarter_of, stations_without_activity


def _staff_by_station(station_ids, *, today: datetime.date) -> dict[int, list]:
    """Current heads and officers (active users) of the stations: one query."""
    out = defaultdict(list)
    posts = (
        StationStaff.objects.current(on=today)
        .filter(station_id__in=station_ids, user__is_active=True)
        .select_related("user")
        .order_by("station_id", "role")
    )
    for post in posts:
        out[post.station_id].append(post.user)
    return out


def _channels(user) -> tuple[str, ...]:
    return ("site", "email") if user.email else ("site",)


@reminder_planner("activity_gap")
def plan_activity_gap_reminders(*, today: datetime.date):
    """Stations with no activity so far in the quarter, from the first day of the quarter's last month."""
    quarter, first, last = quarter_of(today)
    last_month_start = datetime.date(today.year, 3 * quarter, 1)
    if today < last_month_start:
        return
    stations = list(stations_without_activity(start=first, end=last).order_by("code").values_list("pk", "name"))
    staff = _staff_by_station([pk for pk, _name in stations], today=today)
    for station_id, name in stations:
        text = _(
            "%(station)s has held no activity yet in Q%(quarter)s %(year)s. Each station holds at least one "
            "activity a quarter: please plan one before %(last)s."
        ) % {"station": name, "quarter": quarter, "year": today.year, "last": last.isoformat()}
        for user in staff.get(station_id, []):
            yield Reminder(
                kind="activity_gap",
                key=f"activity_gap:{station_id}:{today.year}Q{quarter}",
                text=text,
                recipient_user_id=user.pk,
                station_id=station_id,
                channels=_channels(user),
            )
