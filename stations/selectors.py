"""Reads of stations and their staff."""

from django.db.models import Prefetch

from .models import Station, StationStaff


def with_current_staff(queryset):
    """Attach ``current_staff`` (head and officer with their users) in one extra query for the whole page."""
    return queryset.prefetch_related(
        Prefetch(
            "staff",
            queryset=StationStaff.objects.current().select_related("user").order_by("role"),
            to_attr="current_staff",
        )
    )


def station_public_list():
    return Station.objects.active().select_related("area", "street")


def station_staff_base():
    """Stations with what staff see; callers scope it with ``for_user``."""
    return with_current_staff(Station.objects.select_related("area", "street"))
