"""The duty record (履职档案) of a deputy for a year: reception days on duty and attended, people received and
visited, opinions gathered, suggestions, activities and duty reports. It reads the work of every feature app
(stations, deputies, visits, suggestions), so it lives here, above them all; its PDF and Excel files are
``reports.duty_record_exports``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, DutyReport
from deputies.models import Deputy, Level
from stations.models import Membership, ReceptionDay, Station
from suggestions.models import Suggestion
from suggestions.selectors import of_deputy
from visits.models import Opinion, Outreach, VisitLog

FIRST_RECORD_YEAR = 2022


@dataclass(frozen=True)
class YearRange:
    year: int

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def aware(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[1 Jan 00:00, next 1 Jan 00:00) in the project's time zone."""
        tz = timezone.get_current_timezone()
        return (
            datetime.datetime(self.year, 1, 1, tzinfo=tz),
            datetime.datetime(self.year + 1, 1, 1, tzinfo=tz),
        )


HELD_STATUSES = (ReceptionDay.Status.HELD, ReceptionDay.Status.MOVED)

DUTY_RECORD_FIELDS = [
    ("duty_days", _("Reception days on duty")),
    ("attended_days", _("Reception days attended")),
    ("people_received", _("People received")),
    ("outreach_people", _("People visited on outreach")),
    ("opinions_gathered", _("Opinions gathered")),
    ("suggestions_led", _("Suggestions filed as lead")),
    ("suggestions_cosigned", _("Suggestions co-signed")),
    ("activities", _("Activities taken part in")),
    ("duty_reports", _("Duty reports given")),
]


def _count_subquery(queryset, group: str):
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]),
        0,
        output_field=IntegerField(),
    )


def _sum_subquery(queryset, group: str, field: str):
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(s=Sum(field)).values("s")[:1]),
        0,
        output_field=IntegerField(),
    )


def duty_record_annotations(year: int) -> dict:
    """Subquery annotations computing a deputy's duty record for ``year`` on any Deputy queryset: the whole
    record of a page of deputies is one query, whatever the page size.

    - duty days: reception days of the year (not cancelled) with the deputy on the duty roster;
    - attended: of those, days that were held (or moved and held) and whose visit log lists the deputy;
    - people received: people of the year's visit logs that list the deputy among those who received;
    - outreach people, opinions gathered, activities, duty reports: the deputy's own records of the year;
    - suggestions: of the year, as lead and as co-signer.
    """
    span = YearRange(year)
    deputy = OuterRef("pk")
    on_duty = ReceptionDay.objects.filter(duty_deputies=deputy, date__gte=span.start, date__lte=span.end).exclude(
        status=ReceptionDay.Status.CANCELLED
    )
    logged = VisitLog.objects.filter(reception_day=OuterRef("pk"), deputies=OuterRef(OuterRef("pk")))
    received_from, received_until = span.aware()
    return {
        "duty_days": _count_subquery(on_duty, "duty_deputies"),
        "attended_days": _count_subquery(
            on_duty.filter(status__in=HELD_STATUSES).filter(Exists(logged)), "duty_deputies"
        ),
        "people_received": _sum_subquery(
            VisitLog.objects.filter(deputies=deputy, date__gte=span.start, date__lte=span.end),
            "deputies",
            "people_count",
        ),
        "outreach_people": _sum_subquery(
            Outreach.objects.filter(deputy=deputy, date__gte=span.start, date__lte=span.end), "deputy", "people_count"
        ),
        "opinions_gathered": _count_subquery(
            Opinion.objects.filter(deputy=deputy, received_at__gte=received_from, received_at__lt=received_until),
            "deputy",
        ),
        "suggestions_led": _count_subquery(Suggestion.objects.filter(lead_deputy=deputy, year=year), "lead_deputy"),
        "suggestions_cosigned": _count_subquery(Suggestion.objects.filter(co_signers=deputy, year=year), "co_signers"),
        "activities": _count_subquery(
            Activity.objects.filter(deputies=deputy, date__gte=span.start, date__lte=span.end), "deputies"
        ),
        "duty_reports": _count_subquery(
            DutyReport.objects.filter(deputy=deputy, date__gte=span.start, date__lte=span.end), "deputy"
        ),
    }


RECORD_PREFIX = "record_"  # annotations must not clash with the related names (duty_days, activities, …)


def deputies_with_duty_record(queryset, *, year: int):
    """``queryset`` of deputies annotated with their duty record of ``year`` (see duty_record_annotations) as
    ``record_<field>``; ``record_values(deputy)`` reads them back in the order of ``DUTY_RECORD_FIELDS``."""
    return queryset.annotate(**{RECORD_PREFIX + k: v for k, v in duty_record_annotations(year).items()})


def record_values(deputy) -> dict[str, int]:
    return {key: getattr(deputy, RECORD_PREFIX + key) for key, _label in DUTY_RECORD_FIELDS}


@dataclass
class DutyRecord:
    deputy: Deputy
    year: int
    values: dict[str, int]
    stations: list[Station]
    levels: list[str]

    @property
    def suggestions(self) -> int:
        return self.values["suggestions_led"] + self.values["suggestions_cosigned"]

    def rows(self) -> list[tuple[str, int]]:
        return [(str(label), self.values[key]) for key, label in DUTY_RECORD_FIELDS]


def duty_record(*, deputy_id: int, year: int) -> DutyRecord:
    """One deputy's duty record of ``year``: three queries (the record, mandates, current stations)."""
    deputy = (
        deputies_with_duty_record(Deputy.objects.filter(pk=deputy_id), year=year)
        .prefetch_related(
            "mandates",
            Prefetch(
                "memberships",
                queryset=Membership.objects.current().select_related("station").order_by("station__code"),
                to_attr="current_memberships",
            ),
        )
        .get()
    )
    return DutyRecord(
        deputy=deputy,
        year=year,
        values=record_values(deputy),
        stations=[m.station for m in deputy.current_memberships],
        levels=[str(Level(level).label) for level in deputy.levels()],
    )


def duty_record_years(*, today: datetime.date | None = None) -> list[int]:
    """Years a record can be asked for: from the demo's first year to this year, newest first."""
    this_year = (today or timezone.localdate()).year
    return list(range(this_year, FIRST_RECORD_YEAR - 1, -1))


@dataclass
class DutyRecordDetails:
    duty_days: list
    activities: list
    suggestions: list
    duty_reports: list


def duty_record_details(*, deputy: Deputy, year: int) -> DutyRecordDetails:
    """The records behind a duty record (for its page and exports): four queries."""
    span = YearRange(year)
    return DutyRecordDetails(
        duty_days=list(
            ReceptionDay.objects.filter(duty_deputies=deputy, date__gte=span.start, date__lte=span.end)
            .select_related("station")
            .order_by("date", "station__code")
        ),
        activities=list(
            Activity.objects.filter(deputies=deputy, date__gte=span.start, date__lte=span.end)
            .select_related("station")
            .order_by("date", "id")
        ),
        suggestions=list(
            Suggestion.objects.filter(of_deputy(deputy), year=year).select_related("unit").order_by("number", "id")
        ),
        duty_reports=list(
            DutyReport.objects.filter(deputy=deputy, date__gte=span.start, date__lte=span.end)
            .select_related("station")
            .order_by("date")
        ),
    )
