"""The short texts of reception-day notices, rendered once per day and kind in ``settings.NOTICE_LANGUAGE``.

Messages are short (one SMS, about 70 Chinese characters plus names): station, date and weekday, time, place,
the deputies on duty; a change notice says what changed and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Message:
    title: str
    text: str
    link: str = ""


def _language():
    return getattr(settings, "NOTICE_LANGUAGE", "zh-hans")


def _when(day) -> dict:
    return {
        "station": day.station.name,
        "date": formats.date_format(day.date, "DATE_FORMAT"),
        "weekday": formats.date_format(day.date, "l"),
        "start": day.start_time.strftime("%H:%M"),
        "end": day.end_time.strftime("%H:%M"),
        "place": day.display_place,
    }


def deputy_names(day) -> str:
    names = [d.name for d in day.duty_deputies.all()]
    return _(", ").join(names) if names else _("to be announced")


def station_link(day) -> str:
    return f"/stations/{day.station.code}/"


def reception_notice(day) -> Message:
    """The notice published three days ahead: who is on duty, when and where."""
    with translation.override(_language()):
        values = {**_when(day), "deputies": deputy_names(day)}
        title = _("%(station)s: reception day on %(date)s") % values
        text = (
            _(
                "%(station)s receives voters on %(date)s (%(weekday)s) %(start)s-%(end)s at %(place)s. "
                "Deputies on duty: %(deputies)s."
            )
            % values
        )
    return Message(title=title, text=text, link=station_link(day))


def change_notice(day) -> Message:
    """The notice sent once for each change of a published day: moved, cancelled, or new time or place."""
    with translation.override(_language()):
        values = {**_when(day), "deputies": deputy_names(day), "reason": day.change_reason or _("not given")}
        if day.status == day.Status.CANCELLED:
            values["date"] = formats.date_format(day.original_date or day.date, "DATE_FORMAT")
            title = _("%(station)s: reception day of %(date)s cancelled") % values
            text = _("%(station)s: the reception day of %(date)s is cancelled. Reason: %(reason)s.") % values
        else:
            values["original"] = formats.date_format(day.original_date or day.scheduled_date, "DATE_FORMAT")
            title = _("%(station)s: reception day changed") % values
            text = (
                _(
                    "%(station)s: the reception day of %(original)s now takes place on %(date)s (%(weekday)s) "
                    "%(start)s-%(end)s at %(place)s. Reason: %(reason)s. Deputies on duty: %(deputies)s."
                )
                % values
            )
    return Message(title=title, text=text, link=station_link(day))


def subscription_code(*, station_name: str, code: str) -> Message:
    with translation.override(_language()):
        values = {"station": station_name, "code": code}
        return Message(
            title=_("Your confirmation code"),
            text=_("Your code to confirm reception-day reminders of %(station)s: %(code)s (valid 30 minutes).")
            % values,
        )


def subscription_welcome(*, station_name: str, unsubscribe_url: str) -> Message:
    with translation.override(_language()):
        values = {"station": station_name, "url": unsubscribe_url}
        return Message(
            title=_("Reminders confirmed"),
            text=_("You will be reminded of the reception days of %(station)s three days ahead. To stop: %(url)s")
            % values,
        )
