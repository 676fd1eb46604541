"""Writes of activities (进站活动), yearly activity plans and duty reports (述职). Every function takes keyword
arguments and states the rule it enforces; the role is checked against the permission table
(``core.access.require``: ``NotPermitted``, 403, or ``OutOfScope``, 404, for a station outside the user's area), a
broken rule raises ``DomainError`` (400) or ``ConflictError`` (409); nothing is saved then.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require
from core.errors import ConflictError, DomainError
from core.uploads import require_bounded
from deputies.models import Deputy
from stations.models import Membership, Station

from .models import Activity, ActivityKind, ActivityPlan, ActivityPlanItem, DutyReport

# Sent (``report=``) inside the transaction that records a duty report, so what hangs on it is saved or rolled back
# with the report: ``surveys`` adds the deputy who reported to the station's survey of that year.
duty_report_recorded = Signal()

# --- helpers --------------------------------------------------------------------------------------------------


def _not_in_future_year(day: datetime.date, what: str) -> None:
    if day.year > timezone.localdate().year:
        raise DomainError(
            _("%(what)s cannot be dated in a future year (%(date)s).") % {"what": what, "date": day.isoformat()},
            code="future_year",
        )


# --- activities and plans -------------------------------------------------------------------------------------


def activity_create(
    *,
    station: Station,
    kind: str,
    date: datetime.date,
    title: str,
    by,
    deputies: Iterable[Deputy] = (),
    people_reached: int = 0,
    campaign: str = "",
    summary: str = "",
    photos: Iterable = (),
) -> Activity:
    """Record an activity held by a station (its staff or county staff). It cannot be dated in a future year;
    ``photos`` are uploaded image files."""
    require(by, "activity.write", station=station)
    if kind not in ActivityKind.values:
        raise DomainError(_("Unknown activity kind %(value)r.") % {"value": kind}, code="invalid_kind")
    _not_in_future_year(date, _("An activity"))
    if people_reached is None or people_reached < 0:
        raise DomainError(_("People reached cannot be negative."), code="invalid_people")
    if not (title or "").strip():
        raise DomainError(_("An activity needs a title."), code="required")
    photos = list(photos)
    for photo in photos:
        require_bounded("photo", photo, image=True)  # before anything is saved
    with transaction.atomic():
        activity = Activity.objects.create(
            station=station,
            kind=kind,
            date=date,
            title=title.strip(),
            people_reached=people_reached,
            campaign=(campaign or "").strip(),
            summary=summary or "",
            created_by=by if getattr(by, "pk", None) else None,
        )
        deputies = list(deputies)
        if deputies:
            activity.deputies.set(deputies)
        for photo in photos:
            activity.photos.create(image=photo)
    return activity


def activity_add_photo(*, activity: Activity, image, by, caption: str = ""):
    """Attach a photo to an activity (station staff and county staff)."""
    require(by, "activity.write", station=activity.station_id)
    require_bounded("image", image, image=True)
    return activity.photos.create(image=image, caption=caption or "")


def _clean_plan_items(items: Iterable[Mapping]) -> list[ActivityPlanItem]:
    cleaned = []
    for item in items:
        month, quarter = item.get("month"), item.get("quarter")
        if (month is None) == (quarter is None):
            raise DomainError(_("Place each plan item in a month or a quarter."), code="invalid_period")
        if month is not None and not 1 <= int(month) <= 12:
            raise DomainError(_("A month is 1 to 12."), code="invalid_period")
        if quarter is not None and not 1 <= int(quarter) <= 4:
            raise DomainError(_("A quarter is 1 to 4."), code="invalid_period")
        if item.get("kind") not in ActivityKind.values:
            raise DomainError(_("Unknown activity kind %(value)r.") % {"value": item.get("kind")}, code="invalid_kind")
        if not (item.get("title") or "").strip():
            raise DomainError(_("Each plan item needs a title."), code="required")
        cleaned.append(
            ActivityPlanItem(
                month=month,
                quarter=quarter,
                kind=item["kind"],
                title=item["title"].strip(),
                description=item.get("description", ""),
            )
        )
    return cleaned


@transaction.atomic
def activity_plan_save(
    *, station: Station, year: int, items: Iterable[Mapping], by, title: str = "", notes: str = ""
) -> ActivityPlan:
    """Create or rewrite a station's plan for ``year`` (its items are replaced). A published plan may still be
    corrected; it keeps its first publication time."""
    require(by, "activity_plan.write", station=station)
    if year > timezone.localdate().year + 1:
        raise DomainError(_("Plans are made for this year or the next."), code="invalid_year")
    cleaned = _clean_plan_items(items)
    plan, _created = ActivityPlan.objects.select_for_update().get_or_create(station=station, year=year)
    plan.title = title or plan.title or _("%(year)s activity plan") % {"year": year}
    plan.notes = notes
    plan.save()
    plan.items.all().delete()
    for item in cleaned:
        item.plan = plan
    ActivityPlanItem.objects.bulk_create(cleaned)
    return plan


@transaction.atomic
def activity_plan_publish(*, plan: ActivityPlan, by) -> ActivityPlan:
    """Publish the plan to the public. A plan without items cannot be published; publishing twice is a
    conflict (the first publication time is what the evaluation reads)."""
    require(by, "activity_plan.write", station=plan.station_id)
    plan = ActivityPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.published_at is not None:
        raise ConflictError(_("The plan is already published."), code="already_published")
    if not plan.items.exists():
        raise DomainError(_("A plan without items cannot be published."), code="empty_plan")
    plan.published_at = timezone.now()
    plan.save(update_fields=["published_at"])
    return plan


# --- duty reports ---------------------------------------------------------------------------------------------


def duty_report_create(
    *,
    station: Station,
    date: datetime.date,
    audience: int,
    by,
    deputy: Deputy | None = None,
    title: str = "",
    summary: str = "",
    activity: Activity | None = None,
) -> DutyReport:
    """Record a duty report to voters at a station: by a deputy resident there (on that date), or by the
    station itself (no deputy). One per deputy (or station) and day. A deputy who reports is added to the
    station's survey of that year."""
    require(by, "duty_report.write", station=station)
    _not_in_future_year(date, _("A duty report"))
    if audience is None or audience < 0:
        raise DomainError(_("The audience cannot be negative."), code="invalid_audience")
    if deputy is not None and not Membership.objects.current(on=date).filter(deputy=deputy, station=station).exists():
        raise DomainError(_("The deputy is not resident at this station on that date."), code="not_resident")
    if activity is not None and activity.station_id != station.pk:
        raise DomainError(_("The activity belongs to another station."), code="wrong_station")
    try:
        with transaction.atomic():
            report = DutyReport.objects.create(
                station=station,
                deputy=deputy,
                date=date,
                audience=audience,
                title=title,
                summary=summary,
                activity=activity,
            )
            # The year's survey asks voters about every deputy who reported (``surveys`` listens).
            duty_report_recorded.send(sender=DutyReport, report=report)
    except IntegrityError:
        raise ConflictError(_("This duty report is already recorded for that day.")) from None
    return report
