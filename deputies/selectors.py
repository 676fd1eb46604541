"""Reads of deputies."""

from django.db.models import Exists, OuterRef, Prefetch

from stations.models import Membership

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
