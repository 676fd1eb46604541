"""Reads of deputies' suggestions."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from deputies.models import Deputy
from visits.models import Opinion

from .models import Suggestion, SuggestionCategory, SuggestionEvent


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
