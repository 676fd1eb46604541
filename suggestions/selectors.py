"""Reads of deputies' suggestions."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _

from activities.models import Activity, ActivityKind
from core.access import Role, effective_role, scope_for
from core.errors import OutOfScope
from deputies.models import Deputy
from stations.models import Membership
from visits.models import Opinion

from .models import Suggestion, SuggestionCategory, SuggestionEvent, overdue_q


def suggestion_list_base():
    """Suggestions with their lead deputy, station, unit and co-signers: one extra query per page for the
    co-signers, whatever the page size."""
    return Suggestion.objects.select_related("lead_deputy", "station", "unit", "supervision_activity").prefetch_related(
        Prefetch("co_signers", queryset=Deputy.objects.only("id", "name").order_by("id"))
    )


def suggestion_staff_list_base():
    """What staff see in a list: also the ids of the source opinions (one more query per page)."""
    return suggestion_list_base().prefetch_related(
        Prefetch("source_opinions", queryset=Opinion.objects.only("id").order_by("id"))
    )


def suggestion_detail_base():
    return suggestion_staff_list_base().prefetch_related(
        Prefetch("events", queryset=SuggestionEvent.objects.order_by("at", "id"))
    )


def suggestion_counts_by_category(queryset) -> dict[str, int]:
    counts = dict(queryset.order_by().values_list("category").annotate(n=Count("pk")))
    return {category: counts.get(category, 0) for category in SuggestionCategory.values}


def of_deputy(deputy) -> Q:
    """Suggestions the deputy filed as lead or co-signed."""
    cosigned = Suggestion.co_signers.through.objects.filter(deputy=deputy).values("suggestion")
    return Q(lead_deputy=deputy) | Q(pk__in=cosigned)


def deputy_suggestions(*, deputy: Deputy, limit: int = 20):
    """The deputy's suggestions (lead or co-signer), newest first."""
    return list(suggestion_list_base().filter(of_deputy(deputy)).order_by("-year", "-filed_on", "-id")[:limit])


# --- the desk's pages -------------------------------------------------------------------------------------------


def _own_deputy(user) -> Deputy | None:
    if user is None or not user.is_authenticated:
        return None
    return Deputy.objects.filter(user=user).first()


def visible_suggestions(user):
    """The suggestions a user may open: staff those of their scope (``for_user``); a deputy also the ones they
    lead or co-signed wherever they grew, besides those of the stations they are resident in (to co-sign)."""
    queryset = Suggestion.objects.for_user(user)
    if effective_role(user) == Role.DEPUTY:
        deputy = _own_deputy(user)
        if deputy is not None:
            queryset = Suggestion.objects.filter(Q(pk__in=queryset.values("pk")) | of_deputy(deputy))
    return queryset


def worklist_base(user, *, tab: str = ""):
    """What ``/desk/suggestions/`` lists before its filters. A deputy: the ones they lead or co-signed, or
    (``tab="cosign"``) the filed ones of their stations they may still co-sign. Staff: their scope
    (``tab="overdue"``: waiting past their deadline; ``tab="supervised"``: under supervision)."""
    if effective_role(user) == Role.DEPUTY:
        deputy = _own_deputy(user)
        if deputy is None:
            return Suggestion.objects.none()
        if tab == "cosign":
            return Suggestion.objects.for_user(user).filter(status=Suggestion.Status.FILED).exclude(of_deputy(deputy))
        return Suggestion.objects.filter(of_deputy(deputy))
    queryset = Suggestion.objects.for_user(user)
    if tab == "overdue":
        queryset = queryset.filter(overdue_q())
    elif tab == "supervised":
        queryset = queryset.filter(supervised=True)
    return queryset


def filter_worklist(queryset, *, q="", year=None, status="", category="", station=None, deputy="", overdue=False,
                    supervised=None):  # fmt: skip
    """The work list's filters (each one optional); ``q`` searches the number, title and content, ``deputy``
    the names of the lead deputy and co-signers."""
    if q:
        queryset = queryset.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(content__icontains=q))
    if year:
        queryset = queryset.filter(year=year)
    if status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    if station is not None:
        queryset = queryset.filter(station=station)
    if deputy:
        cosigned = Suggestion.co_signers.through.objects.filter(deputy__name__icontains=deputy).values("suggestion")
        queryset = queryset.filter(Q(lead_deputy__name__icontains=deputy) | Q(pk__in=cosigned))
    if overdue:
        queryset = queryset.filter(overdue_q())
    if supervised is not None:
        queryset = queryset.filter(supervised=supervised)
    return queryset


def worklist_rows(queryset, *, tab: str = ""):
    """The rows of a page: lead deputy, station, unit in the same query, co-signers in one more."""
    order = ("deadline", "id") if tab == "overdue" else ("-year", "-filed_on", "-id")
    return (
        queryset.select_related("lead_deputy", "station", "unit")
        .prefetch_related(Prefetch("co_signers", queryset=Deputy.objects.only("id", "name").order_by("id")))
        .order_by(*order)
    )


def worklist_tab_counts(user) -> dict[str, int]:
    """How many suggestions of the user's scope are overdue and supervised (one query)."""
    return Suggestion.objects.for_user(user).aggregate(
        overdue=Count("pk", filter=overdue_q()), supervised=Count("pk", filter=Q(supervised=True))
    )


def suggestion_page(*, user, pk: int) -> Suggestion:
    """One suggestion for its page, with its timeline (who did each step); ``OutOfScope`` (404) outside what the
    user may open."""
    queryset = (
        visible_suggestions(user)
        .select_related("lead_deputy", "station", "unit", "supervision_activity")
        .prefetch_related(
            Prefetch("co_signers", queryset=Deputy.objects.only("id", "name").order_by("name", "id")),
            Prefetch("events", queryset=SuggestionEvent.objects.select_related("by").order_by("at", "id")),
        )
    )
    try:
        return queryset.get(pk=pk)
    except (Suggestion.DoesNotExist, ValueError, TypeError):
        raise OutOfScope(_("No such suggestion in your area.")) from None


def _county_paths(user) -> list[str] | None:
    """The paths of the counties the user's stations lie in (None: everything)."""
    scope = scope_for(user)
    if scope.everything:
        return None
    paths = set(scope.stations().values_list("area__path", flat=True))
    return sorted({"/" + p.strip("/").split("/")[0] + "/" for p in paths if p})


def county_deputies(user):
    """The deputies resident at a station of the user's county today, each with the name of one of their
    stations (``station_name``), by name: the co-signer and lead-deputy pickers."""
    current = Membership.objects.current()
    paths = _county_paths(user)
    if paths is not None:
        in_county = Q(pk__in=[]) if not paths else Q()
        for path in paths:
            in_county |= Q(station__area__path__startswith=path)
        current = current.filter(in_county)
    first_station = (
        Membership.objects.current().filter(deputy=OuterRef("pk")).order_by("since", "id").values("station__name")[:1]
    )
    return (
        Deputy.objects.filter(pk__in=current.values("deputy"))
        .annotate(station_name=Subquery(first_station))
        .only("id", "name")
        .order_by("name", "id")
    )


def station_residents(stations):
    """Deputies resident today at any of ``stations`` (the lead-deputy picker of station staff)."""
    first_station = (
        Membership.objects.current()
        .filter(deputy=OuterRef("pk"), station__in=stations)
        .order_by("since", "id")
        .values("station__name")[:1]
    )
    current = Membership.objects.current().filter(station__in=stations).values("deputy")
    return (
        Deputy.objects.filter(pk__in=current)
        .annotate(station_name=Subquery(first_station))
        .only("id", "name")
        .order_by("name", "id")
    )


def supervision_activities(user):
    """Supervision activities (建议督办) of the user's scope, newest first: what a supervision may be tied to."""
    return (
        Activity.objects.for_user(user)
        .filter(kind=ActivityKind.SUGGESTION_SUPERVISION)
        .select_related("station")
        .order_by("-date", "-id")
    )
