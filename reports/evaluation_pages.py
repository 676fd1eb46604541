"""Data for the evaluation pages: the year's table, one sheet, the officer's live preview, the 2-3-4-5 matrix."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, Invalid, OutOfScope
from stations.models import Station

from . import evaluation, selectors
from .evidence import rendered
from .models import ItemScore, StationEvaluation

# The 2-3-4-5 requirements, each read off the sheet item that measures it (E2 is scored by hand).
MATRIX = [
    (_("Two fixed"), [(_("Fixed place"), "A1"), (_("Fixed staff"), "C1")]),
    (_("Three musts"), [(_("Work system"), "B1"), (_("Work plan"), "B2"), (_("Ledger"), "B3")]),
    (
        _("Four regulars"),
        [
            (_("Study and exchange"), "D4"),
            (_("Receiving voters"), "D1"),
            (_("Activities"), "D3"),
            (_("Duty reports"), "F1"),
        ],
    ),
    (
        _("Five in place"),
        [
            (_("Gathering opinion"), "E1"),
            (_("Grid"), "E2"),
            (_("Contact and service"), "C3"),
            (_("Handling and feedback"), "E5"),
            (_("Training"), "C4"),
        ],
    ),
]
SORTS = {"rank": "rank", "total": "-total", "station": "station__code", "grade": "grade"}


def _scheme(year):
    try:
        return evaluation.scheme_for_year(year)
    except DomainError as exc:
        raise OutOfScope(exc.message) from None


def matrix_row(scores: dict[str, dict]) -> list[dict]:
    """One station's standing on the 2-3-4-5 requirements: met (fraction ≥ 0.8), partly, not met, or manual."""
    groups = []
    for group, parts in MATRIX:
        cells = []
        for label, code in parts:
            row = scores.get(code)
            if row is None:
                cells.append({"label": label, "code": code, "state": "none"})
                continue
            if row["kind"] == "manual":
                state = "manual"
                fraction = row["score"] / row["max"] if row["max"] else 0
            else:
                fraction = row["fraction"] if row["fraction"] is not None else Decimal(0)
                state = "met" if fraction >= Decimal("0.8") else ("partly" if fraction > 0 else "missing")
            cells.append({"label": label, "code": code, "state": state, "fraction": fraction})
        groups.append({"group": group, "cells": cells})
    return groups


def overview(*, user, params) -> dict:
    year = selectors.parse_year(params.get("year"))
    scheme = _scheme(year)
    sort = params.get("sort", "rank")
    evaluations = (
        StationEvaluation.objects.for_user(user)
        .filter(scheme=scheme)
        .select_related("station", "station__street")
        .order_by(SORTS.get(sort, "rank"), "station__code")
    )
    category_scores: dict[int, dict] = defaultdict(dict)
    item_rows: dict[int, dict] = defaultdict(dict)
    for ev_id, code, category, score, fraction, kind, maximum in ItemScore.objects.filter(
        evaluation__in=evaluations
    ).values_list(
        "evaluation_id", "item__code", "item__category__code", "score", "fraction", "item__kind", "item__max_score"
    ):
        category_scores[ev_id][category] = category_scores[ev_id].get(category, Decimal(0)) + score
        item_rows[ev_id][code] = {"score": score, "fraction": fraction, "kind": kind, "max": maximum}
    rows = [
        {
            "evaluation": e,
            "categories": [category_scores[e.pk].get(c, 0) for c in "ABCDEF"],
            "matrix": matrix_row(item_rows[e.pk]),
        }
        for e in evaluations
    ]
    return {
        "scheme": scheme,
        "year": year,
        "rows": rows,
        "sort": sort,
        "categories": list("ABCDEF"),
        "matrix_groups": MATRIX,
    }


def sheet_for(*, station: Station, year) -> StationEvaluation:
    scheme = evaluation.scheme_for_year(year)
    sheet = StationEvaluation.objects.filter(scheme=scheme, station=station).first()
    if sheet is None:
        raise Invalid(_("This station has not been computed for %(year)s yet.") % {"year": scheme.year})
    return sheet


def sheet(*, station: Station, params) -> dict:
    year = selectors.parse_year(params.get("year"))
    scheme = _scheme(year)
    sheet = (
        StationEvaluation.objects.filter(scheme=scheme, station=station)
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=ItemScore.objects.select_related("item__category", "overridden_by").order_by("item__order"),
            )
        )
        .first()
    )
    if sheet is None:
        raise OutOfScope(_("This station has not been computed for that year yet."))
    return {
        "station": station,
        "scheme": scheme,
        "year": year,
        "sheet": sheet,
        "scores": sheet.scores.all(),
        "audit": scheme.audit.filter(station=station).select_related("actor")[:20],
    }


def preview(*, user, params) -> dict:
    """Compute the user's station's sheet live (nothing saved): each item's current score and what is missing."""
    year = selectors.parse_year(params.get("year"))
    scheme = _scheme(year)
    stations = list(Station.objects.for_user(user).filter(is_active=True).select_related("area", "street"))
    code = params.get("station")
    if code:
        stations = [s for s in stations if s.code == code]
    if not stations:
        raise OutOfScope(_("No station in your scope."))
    station = stations[0]
    rows = evaluation.score_sheet(scheme=scheme, stations=[station], today=timezone.localdate())[station.pk]
    saved = {s.item_id: s for s in ItemScore.objects.filter(evaluation__scheme=scheme, evaluation__station=station)}
    total = Decimal(0)
    for row in rows:
        staff = saved.get(row["item"].pk)
        row["score"] = (
            staff.override_score if staff and staff.override_score is not None else row["computed_score"] or Decimal(0)
        )
        row["staff_scored"] = bool(staff and staff.override_score is not None)
        row["gap"] = row["item"].max_score - row["score"]
        row["evidence"] = rendered(row["evidence"])
        total += row["score"]
    return {
        "station": station,
        "scheme": scheme,
        "year": year,
        "rows": rows,
        "total": total,
        "grade": evaluation.grade_for(total),
        "grade_label": evaluation.grade_label(evaluation.grade_for(total)),
        "stations": Station.objects.for_user(user).order_by("code"),
    }
