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
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does in the station network; scoping and the permission table below read it."""

    ADMIN = "admin", _("System administrator")
    COUNTY = "county", _("County NPC staff")
    STREET = "street", _("Street/township NPC staff")
    HEAD = "head", _("Station head")
    OFFICER = "officer", _("Liaison officer")
    DEPUTY = "deputy", _("Deputy")


AREA_ROLES = (Role.COUNTY, Role.STREET)
STATION_ROLES = (Role.HEAD, Role.OFFICER)

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


# ---------------------------------------------------------------------------------------------------------------
# Who may do what: ONE table. A permission is granted to roles; ``require`` checks the role and, given a station,
# that the station is inside the user's scope (else 404). Services call ``require``; API permission classes,
# page decorators and admin mixins are derived from it (``core.api.Allowed``, ``core.pages.requires``,
# ``core.admin``). A role refusal is always 403 (``NotPermitted``); a station outside the area always 404.

R = Role
EVERY_STAFF = frozenset({R.ADMIN, R.COUNTY, R.STREET, R.HEAD, R.OFFICER})
SUPERVISORS = frozenset({R.ADMIN, R.COUNTY, R.STREET})
COUNTY = frozenset({R.ADMIN, R.COUNTY})
STATION_WRITERS = frozenset({R.ADMIN, R.COUNTY, R.HEAD, R.OFFICER})
SIGNED_IN = frozenset(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    # stations, reception days, duty rotas
    "station.view": SIGNED_IN,
    "reception_day.change": EVERY_STAFF,
    "duty_rota.view": EVERY_STAFF | {R.DEPUTY},
    "duty_rota.change": EVERY_STAFF,
    # the outbox
    "notice.view": COUNTY,
    "notice.resend": COUNTY,
    "subscriber.view": COUNTY,
    # the /desk/ home (each role's own desk) and the in-site inbox
    "desk.home": SIGNED_IN,
    # the station desk: visit logs, outreach, practical matters, opinions, the Excel ledger
    "desk.use": EVERY_STAFF,
    "ledger.view": SIGNED_IN,  # read the records above (API) of the stations in scope; a deputy: their stations'
    "visit_log.write": EVERY_STAFF,
    "practical_matter.write": EVERY_STAFF,
    "outreach.write": EVERY_STAFF | {R.DEPUTY},
    "opinion.create": EVERY_STAFF | {R.DEPUTY},
    "opinion.register": EVERY_STAFF,
    "opinion.assign": SUPERVISORS,
    "opinion.start": EVERY_STAFF,
    "opinion.answer": EVERY_STAFF,
    "opinion.rate": EVERY_STAFF,
    "opinion.close": SUPERVISORS,
    "opinion.reject": SUPERVISORS,
    "opinion.reopen": COUNTY,
    "opinion.reassign": SUPERVISORS,
    "opinion.worklist": EVERY_STAFF,  # /desk/opinions/: every opinion of the user's scope, open and closed
    "responsible_unit.view": EVERY_STAFF,  # the units of the user's county (the assign picker, the API)
    # corrections: editing a record needs its write permission above; voiding too, with a reason
    "record.voided.view": COUNTY,  # voided records stay visible to county staff, with who/when/why
    "record.restore": COUNTY,  # and the user who voided a record, for a few minutes (undo)
    "record.trail.view": EVERY_STAFF,  # who changed a record of the user's scope, when, why, before/after
    "ledger.export": EVERY_STAFF,
    "ledger.import": EVERY_STAFF,
    "personal_data.unmask": COUNTY,  # and the Django permission visits.unmask_personal_data (core.privacy)
    "unmask_log.view": COUNTY,  # who saw which record's personal data (the admin's unmask log)
    # deputies' work
    "duty_record.view": EVERY_STAFF | {R.DEPUTY},  # a deputy: only their own record
    "suggestion.file": STATION_WRITERS | {R.DEPUTY},  # a deputy: as lead; station staff: for residents
    "suggestion.assign": COUNTY,
    "suggestion.extend": COUNTY,
    "suggestion.answer": COUNTY,
    "suggestion.assess": COUNTY | {R.DEPUTY},  # a deputy: only as the lead deputy
    "suggestion.supervise": COUNTY,
    "suggestion.close": COUNTY,
    "suggestion.edit": STATION_WRITERS | {R.DEPUTY},  # a deputy: their own, until it is assigned
    "suggestion.cosign": frozenset({R.DEPUTY}),
    "suggestion.worklist": EVERY_STAFF | {R.DEPUTY},  # a deputy: their own and co-signed ones
    "activity.write": STATION_WRITERS,
    "activity_plan.write": STATION_WRITERS,
    "duty_report.write": STATION_WRITERS,
    "survey.view": EVERY_STAFF,
    "survey.write": STATION_WRITERS,
    "survey.ballot": STATION_WRITERS,
    # reports: dashboard and evaluation
    "dashboard.view": EVERY_STAFF,  # an officer or head sees their own stations' figures; deputies do not
    "dashboard.export": EVERY_STAFF,
    "dashboard.by_area": SUPERVISORS,  # narrow the figures to an area subtree (station staff: their station only)
    "evaluation.view": SIGNED_IN,  # station staff: their own sheet; the overview is COUNTY and street staff
    "evaluation.overview": SUPERVISORS,
    "evaluation.compute": COUNTY,
    "evaluation.score": COUNTY,
    "evaluation.publish": COUNTY,
    # the audit trail: every version of records and reference data, unmasking, sign-in failures
    "audit.view": COUNTY,
    # the admin site
    "admin.view": EVERY_STAFF,
    "admin.change": COUNTY,
    "admin.delete": frozenset({R.ADMIN}),
    "accounts.manage": frozenset({R.ADMIN}),
}


def effective_role(user) -> Role | None:
    """The role the permission table reads: a superuser acts as a system administrator; an anonymous or
    inactive user has none."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    try:
        return Role(user.role)
    except ValueError:
        return None


def has_permission(user, permission: str) -> bool:
    """Whether ``user``'s role holds ``permission`` (an unknown name is a programming error: KeyError)."""
    roles = PERMISSIONS[permission]
    role = effective_role(user)
    return role is not None and role in roles


def can_reach_station(user, station) -> bool:
    scope = scope_for(user)
    if scope.everything:
        return True
    if scope.nothing:
        return False
    station_id = getattr(station, "pk", station)
    return scope.stations().filter(pk=station_id).exists()


def require(user, permission: str, station=None) -> None:
    """Raise ``NotPermitted`` (403) unless ``user``'s role holds ``permission``, and ``OutOfScope`` (404) when a
    ``station`` is given that lies outside the user's area. The area is checked first, so a user outside it
    learns nothing of the record, not even that their role could not act on it."""
    from .errors import NotPermitted, OutOfScope

    if station is not None and not can_reach_station(user, station):
        raise OutOfScope(_("No such station in your area."))
    if not has_permission(user, permission):
        raise NotPermitted(_("Your role may not do this."))
