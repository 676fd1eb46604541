"""The one place that decides which records a user may see and change.

Every record holding a person's data belongs to exactly one station, so a user's scope is a set of stations:

- system administrators (and superusers) see everything;
- county and street/township staff see the stations inside the area they serve (its subtree);
- station heads and liaison officers see the stations they currently staff;
- deputies see the stations they are currently resident in;
- anybody else sees nothing.

Models opt in with ``ScopedQuerySet`` and say how to reach a station with ``scope_lookup`` (``"station"`` for a
record with a station foreign key, ``"memberships__station"`` for a deputy). Views, API endpoints, exports and
admin pages call ``Model.objects.for_user(user)`` and look single records up through it, so a record outside
the scope is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

SCOPE_CACHE_ATTR = "_liaison_scope"


@dataclass(frozen=True)
class Scope:
    """A user's reach: everything, or the stations matched by ``station_q`` (a filter on Station)."""

    everything: bool = False
    station_q: Q | None = None

    @property
    def nothing(self) -> bool:
        return not self.everything and self.station_q is None

    def stations(self):
        Station = apps.get_model("stations", "Station")
        if self.everything:
            return Station.objects.all()
        if self.station_q is None:
            return Station.objects.none()
        return Station.objects.filter(self.station_q)


def scope_for(user) -> Scope:
    """Compute (once per request user object) what ``user`` may reach."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, SCOPE_CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    setattr(user, SCOPE_CACHE_ATTR, scope)
    return scope


def _compute_scope(user) -> Scope:
    from accounts.models import Role  # local import: accounts depends on stations

    if user.is_superuser or user.role == Role.ADMIN:
        return Scope(everything=True)
    if user.role in (Role.COUNTY, Role.STREET):
        if user.area_id is None:
            return Scope()
        Area = apps.get_model("stations", "Area")
        path = Area.objects.filter(pk=user.area_id).values_list("path", flat=True).first()
        return Scope(station_q=Q(area__path__startswith=path)) if path else Scope()
    today = timezone.localdate()
    if user.role in (Role.HEAD, Role.OFFICER):
        StationStaff = apps.get_model("stations", "StationStaff")
        return Scope(station_q=Q(pk__in=StationStaff.objects.current(on=today).filter(user=user).values("station")))
    if user.role == Role.DEPUTY:
        Membership = apps.get_model("stations", "Membership")
        return Scope(
            station_q=Q(pk__in=Membership.objects.current(on=today).filter(deputy__user=user).values("station"))
        )
    return Scope()


class ScopedQuerySet(models.QuerySet):
    """QuerySet with ``for_user``; the model's ``scope_lookup`` names the path to its station.

    ``scope_lookup = ""`` means the model *is* the station. A lookup through a to-many relation
    (``scope_many = True``) is filtered with a semi-join on the primary key so rows are never duplicated.
    """

    def for_user(self, user):
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        if scope.nothing:
            return self.none()
        return self.filter(self.scope_filter(scope))

    def scope_filter(self, scope: Scope) -> Q:
        lookup = self.model.scope_lookup
        if lookup == "":
            return scope.station_q
        stations = scope.stations().values("pk")
        if getattr(self.model, "scope_many", False):
            # Through a to-many relation: a semi-join on the primary key, so rows are never duplicated.
            return Q(pk__in=self.model._base_manager.filter(**{f"{lookup}__in": stations}).values("pk"))
        return Q(**{f"{lookup}__in": stations})


def get_scoped_or_404(model_or_queryset, user, **lookup):
    """Zulip-style access helper: the record if ``user`` may reach it, else 404 (never 403)."""
    queryset = model_or_queryset
    if isinstance(model_or_queryset, type) and issubclass(model_or_queryset, models.Model):
        queryset = model_or_queryset.objects.all()
    try:
        return queryset.for_user(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(str(exc)) from None


def access_station_by_code(user, code: str):
    Station = apps.get_model("stations", "Station")
    return get_scoped_or_404(Station, user, code=code)
