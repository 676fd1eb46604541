"""The reminder of the year-end surveys, delivered by the notices machinery (notices.reminders):

- ``survey_window``: when a station's year-end survey opens, its head and officer are reminded to hand out the
  link and QR code (key per survey, from the opening day until it closes).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils.translation import gettext as _

from notices.reminders import Reminder, reminder_planner
from stations.models import StationStaff

from .models import Survey


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


@reminder_planner("survey_window")
def plan_survey_window_reminders(*, today: datetime.date):
    """Surveys open today: remind the station's head and officer to hand out the link and QR code."""
    surveys = list(
        Survey.objects.filter(opens_on__lte=today, closes_on__gte=today, station__is_active=True)
        .select_related("station")
        .order_by("station__code")
    )
    staff = _staff_by_station([s.station_id for s in surveys], today=today)
    for survey in surveys:
        text = _(
            "The %(year)s satisfaction survey of %(station)s is open until %(closes)s: hand out its link and QR "
            "code at the duty reports, and enter the paper ballots."
        ) % {"year": survey.year, "station": survey.station.name, "closes": survey.closes_on.isoformat()}
        for user in staff.get(survey.station_id, []):
            yield Reminder(
                kind="survey_window",
                key=f"survey_window:{survey.pk}:open",
                text=text,
                recipient_user_id=user.pk,
                station_id=survey.station_id,
                channels=_channels(user),
            )
