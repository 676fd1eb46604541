"""Models shared by the whole portal: the working-day calendar."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarException(models.Model):
    """A day that breaks the Monday–Friday rule of the mainland China working-day calendar: a public holiday
    on a weekday (``is_working_day`` false) or a make-up working day on a weekend (调休上班, true).

    Shipped for 2025–2027 by a data migration; a county edits the table in the admin when the State Council
    publishes next year's notice (usually in November)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Ticked: a make-up working day (调休上班). Unticked: a holiday.")
    )
    name = models.CharField(_("name"), max_length=60, help_text=_("e.g. 春节 or 春节调休上班"))

    class Meta:
        verbose_name = _("working-day calendar exception")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]
        db_table = "liaison_calendarexception"  # made when the calendar belonged to the project package

    def __str__(self):
        kind = _("working day") if self.is_working_day else _("holiday")
        return f"{self.date:%Y-%m-%d} {self.name} ({kind})"
