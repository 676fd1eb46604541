"""Reads of deputies (their work: ``activities.selectors``, ``surveys.selectors``, ``suggestions.selectors``;
the duty record, 履职档案: ``reports.duty_records``)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from stations.models import Membership, ReceptionDay, Station

from .models import Deputy, Mandate


def with_mandates_and_stations(queryset):
    """Prefetch mandates and current memberships (with station codes): two queries per page, whatever its size."""
    return queryset.prefetch_related(
        Prefetch("mandates", queryset=Mandate.objects.select_related("electoral_area").order_by("term_start")),
        Prefetch(
            "memberships",
            queryset=Membership.objects.current().select_related("station").order_by("station__code"),
            to_attr="current_memberships",
        ),
    )


def deputy_public_list():
    """Deputies resident today at an active station: the ones the public can meet."""
    resident = Membership.objects.current().filter(deputy=OuterRef("pk"), station__is_active=True)
    return with_mandates_and_stations(Deputy.objects.filter(Exists(resident)))


def deputy_staff_base():
    return with_mandates_and_stations(Deputy.objects.all())


# --- the deputy's desk ----------------------------------------------------------------------------------------


def next_duty_days(*, deputy: Deputy, today: datetime.date | None = None, limit: int = 5):
    today = today or timezone.localdate()
    return list(
        ReceptionDay.objects.filter(duty_deputies=deputy, date__gte=today)
        .exclude(status=ReceptionDay.Status.CANCELLED)
        .select_related("station")
        .order_by("date", "station__code")[:limit]
    )


def deputy_current_stations(*, deputy: Deputy):
    return list(
        Station.objects.filter(pk__in=Membership.objects.current().filter(deputy=deputy).values("station"))
        .select_related("street")
        .order_by("code")
    )
