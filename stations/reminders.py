"""The reception days in the daily planner (``notices.reminders``): registered like every other planner, as a
row planner because publishing a day writes the day too (``stations.notices``). Order 0: before the reminders,
as it always ran."""

from notices.reminders import row_planner

from .notices import plan_reception_days

row_planner("reception", order=0)(plan_reception_days)
