"""Reminders of opinion deadlines, for the generic reminder mechanism (``notices.reminders``).

Two working days before a deadline (and every day after that until it is met or passes, so a missed run
catches up; the notice table's unique key keeps it to one notice per occurrence) the responsible staff are
reminded: the station's head and officer for the register and answer deadlines, the street's staff for the
assign deadline.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from core.workdays import WorkingDayCalendar
from notices.reminders import Reminder, reminder_planner

from .models import DUE_FIELD_BY_STATUS, Opinion
from .selectors import station_staff_user_ids

STAGE_OF_FIELD = {"register_due": "register", "assign_due": "assign", "answer_due": "answer"}
MESSAGES = {
    "register": _("Opinion %(code)s at %(station)s must be registered by %(due)s."),
    "assign": _("Opinion %(code)s at %(station)s must be assigned to a responsible unit by %(due)s."),
    "answer": _("Opinion %(code)s at %(station)s must be answered by %(due)s."),
}


@reminder_planner("opinion_deadline")
def plan_opinion_deadline_reminders(*, today: datetime.date):
    """One reminder per (opinion, stage, deadline) and recipient, from two working days before the deadline
    up to the deadline itself."""
    before = settings.OPINION_REMINDER_WORKING_DAYS_BEFORE
    # Two working days never span more than a fortnight of calendar days (the longest holiday is 9 days).
    horizon = today + datetime.timedelta(days=16)
    calendar = WorkingDayCalendar.load(today - datetime.timedelta(days=1), horizon)
    due = [
        (opinion, field)
        for opinion in Opinion.objects.with_deadline(today=today)
        .filter(due_date__gte=today, due_date__lte=horizon)
        .select_related("station")
        .order_by("due_date", "pk")
        for field in [DUE_FIELD_BY_STATUS[opinion.status]]
        if calendar.add(opinion.current_due, -before) <= today
    ]
    if not due:
        return
    station_ids = {o.station_id for o, _f in due}
    station_staff = station_staff_user_ids(station_ids=station_ids, on=today)
    street_ids = {o.station.street_id for o, f in due if f == "assign_due"}
    street_staff: dict[int, list[int]] = {}
    for user_id, area_id in (
        User.objects.filter(role=Role.STREET, area_id__in=street_ids, is_active=True)
        .order_by("pk")
        .values_list("pk", "area_id")
    ):
        street_staff.setdefault(area_id, []).append(user_id)
    for opinion, field in due:
        stage = STAGE_OF_FIELD[field]
        recipients = (
            street_staff.get(opinion.station.street_id, [])
            if stage == "assign"
            else station_staff.get(opinion.station_id, [])
        )
        text = str(MESSAGES[stage]) % {
            "code": opinion.tracking_code,
            "station": opinion.station.name,
            "due": opinion.current_due.isoformat(),
        }
        for user_id in recipients:
            yield Reminder(
                kind="opinion_deadline",
                key=f"opinion:{opinion.pk}:{stage}:{opinion.current_due.isoformat()}",
                text=text,
                recipient_user_id=user_id,
                station_id=opinion.station_id,
            )
