"""A station's reception days as an iCalendar feed (RFC 5545).

CRLF line ends, lines folded at 75 octets (never inside a UTF-8 character), TEXT values escaped, a VTIMEZONE for
Asia/Shanghai (UTC+8 all year, no daylight saving since 1991), local times with ``TZID``, ``DTSTAMP`` in UTC,
a stable ``UID`` per day, ``SEQUENCE`` growing with each change, ``STATUS:CANCELLED`` for cancelled days and
``TENTATIVE`` for days whose notice is not published yet.
"""

from __future__ import annotations

import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from stations.models import ReceptionDay

TZID = "Asia/Shanghai"
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, continuation lines starting with one space."""
    out, chunk, size = [], "", 0
    for char in line:
        width = len(char.encode())
        limit = 75 if not out else 74  # a continuation line's leading space counts
        if size + width > limit:
            out.append(chunk)
            chunk, size = "", 0
        chunk += char
        size += width
    out.append(chunk)
    return "\r\n ".join(out)


def _local(date: datetime.date, time: datetime.time) -> str:
    return datetime.datetime.combine(date, time).strftime("%Y%m%dT%H%M%S")


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(day: ReceptionDay, *, url: str, uid_domain: str) -> list[str]:
    announced = day.notice_published_at is not None  # who is on duty is public once the notice is
    deputies = _(", ").join(d.name for d in day.duty_deputies.all()) if announced else ""
    description = []
    if deputies:
        description.append(_("Deputies on duty: %(names)s") % {"names": deputies})
    if day.status == ReceptionDay.Status.CANCELLED:
        description.append(_("Cancelled: %(reason)s") % {"reason": day.change_reason})
    elif day.original_date and day.original_date != day.date:
        description.append(
            _("Moved from %(date)s: %(reason)s") % {"date": day.original_date.isoformat(), "reason": day.change_reason}
        )
    if day.status == ReceptionDay.Status.CANCELLED:
        status = "CANCELLED"
    elif day.notice_published_at is None and day.status != ReceptionDay.Status.HELD:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    changed = day.status in (ReceptionDay.Status.MOVED, ReceptionDay.Status.CANCELLED)
    lines = [
        "BEGIN:VEVENT",
        f"UID:reception-day-{day.pk}@{uid_domain}",
        f"DTSTAMP:{_utc(day.updated_at)}",
        f"LAST-MODIFIED:{_utc(day.updated_at)}",
        f"SEQUENCE:{day.change_count + int(changed)}",
        f"DTSTART;TZID={TZID}:{_local(day.date, day.start_time)}",
        f"DTEND;TZID={TZID}:{_local(day.date, day.end_time)}",
        "SUMMARY:" + escape(_("%(station)s: reception day") % {"station": day.station.name}),
        "LOCATION:" + escape(day.display_place),
        f"STATUS:{status}",
        "TRANSP:OPAQUE",
        "URL:" + url,
    ]
    if description:
        lines.append("DESCRIPTION:" + escape("\n".join(description)))
    lines.append("END:VEVENT")
    return lines


def calendar(*, station, days, url: str, uid_domain: str, language: str | None = None) -> str:
    """The whole feed as text (CRLF line ends)."""
    with translation.override(language or translation.get_language()):
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Deputy liaison stations//Reception days//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:" + escape(_("%(station)s: reception days") % {"station": station.name}),
            f"X-WR-TIMEZONE:{TZID}",
            *VTIMEZONE,
        ]
        for day in days:
            lines += event_lines(day, url=url, uid_domain=uid_domain)
        lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
