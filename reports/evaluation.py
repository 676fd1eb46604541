"""Services of the yearly evaluation: compute sheets, score manual items, override, publish and unfreeze.

Item score = max × fraction rounded to 0.5; total = sum of item scores; grade by the thresholds (≥ 90
excellent, ≥ 80 good, ≥ 60 pass, else fail); rank by total with ties broken by category E then D (then by
station code, so ranks are 1..N); the top ``award_count`` excellent stations are "people-satisfied stations".
A published scheme is frozen: recomputing or rescoring it is refused until a county user unfreezes it, which
is audited like every override.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import Conflict, Invalid
from stations.models import Station

from .evidence import message
from .models import EvaluationAudit, EvaluationItem, EvaluationScheme, ItemScore, StationEvaluation
from .rules import RULES, YearData

GRADES = [(Decimal(90), "excellent"), (Decimal(80), "good"), (Decimal(60), "pass")]
HALF = Decimal("0.5")


def round_half(value: Decimal) -> Decimal:
    """Round to the nearest 0.5 (half up)."""
    return (value / HALF).quantize(Decimal(1), rounding=ROUND_HALF_UP) * HALF


def grade_for(total: Decimal) -> str:
    """The grade's machine value (``StationEvaluation.Grade``); ``grade_label`` is what people read."""
    for threshold, grade in GRADES:
        if total >= threshold:
            return grade
    return "fail"


def grade_label(grade: str) -> str:
    return str(StationEvaluation.Grade(grade).label)


def scheme_for_year(year) -> EvaluationScheme:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise Invalid(_("The year must be a number such as 2025."), code="invalid_year") from None
    scheme = EvaluationScheme.objects.filter(year=year).first()
    if scheme is None:
        raise Invalid(_("There is no evaluation scheme for %(year)s.") % {"year": year}, code="no_scheme")
    return scheme


def _ensure_not_frozen(scheme: EvaluationScheme) -> None:
    if scheme.is_frozen:
        raise Conflict(
            _("The %(year)s evaluation is published and frozen; unfreeze it first.") % {"year": scheme.year},
            code="frozen",
        )


def _audit(scheme, action, *, by=None, station=None, item_code="", **detail):
    EvaluationAudit.objects.create(
        scheme=scheme, station=station, item_code=item_code, actor=by, action=action, detail=detail
    )


def score_sheet(*, scheme: EvaluationScheme, stations, today: datetime.date | None = None) -> dict[int, list[dict]]:
    """Compute (without saving) every item of every given station: the live preview and the computation share
    this. Returns {station id: [{item, fraction, computed_score, evidence}]}."""
    items = list(scheme.items.select_related("category").order_by("order"))
    stations = list(stations)
    data = YearData(year=scheme.year, stations=stations, today=today)
    sheets = {}
    for station in stations:
        rows = []
        for item in items:
            if item.kind == EvaluationItem.Kind.AUTO:
                result = RULES[item.rule](data, station, item.params or {})
                rows.append(
                    {
                        "item": item,
                        "fraction": Decimal(str(round(result.fraction, 4))),
                        "computed_score": round_half(item.max_score * Decimal(str(result.fraction))),
                        "evidence": result.evidence(),
                    }
                )
            else:
                rows.append(
                    {
                        "item": item,
                        "fraction": None,
                        "computed_score": None,
                        "evidence": {
                            "summary": message(gettext_noop("scored by county staff")),
                            "counted": [],
                            "missing": [],
                        },
                    }
                )
        sheets[station.pk] = rows
    return sheets


@transaction.atomic
def compute_evaluation(
    *, scheme: EvaluationScheme, station_codes: list[str] | None = None, by=None, today: datetime.date | None = None
) -> list[StationEvaluation]:
    """Compute the year's sheets (all active stations, or the given ones), keep staff scores and overrides,
    then total, grade, rank and award across the whole year."""
    scheme = EvaluationScheme.objects.select_for_update().get(pk=scheme.pk)
    _ensure_not_frozen(scheme)
    stations = Station.objects.filter(is_active=True).select_related("area", "street")
    if station_codes:
        stations = stations.filter(code__in=station_codes)
        unknown = set(station_codes) - set(stations.values_list("code", flat=True))
        if unknown:
            raise Invalid(_("Unknown station: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
    sheets = score_sheet(scheme=scheme, stations=stations, today=today)
    now = timezone.now()
    evaluations = {e.station_id: e for e in StationEvaluation.objects.filter(scheme=scheme, station_id__in=sheets)}
    StationEvaluation.objects.bulk_create(
        [StationEvaluation(scheme=scheme, station_id=s) for s in sheets if s not in evaluations], batch_size=1000
    )
    evaluations = {e.station_id: e for e in StationEvaluation.objects.filter(scheme=scheme, station_id__in=sheets)}
    existing = {(s.evaluation_id, s.item_id): s for s in ItemScore.objects.filter(evaluation__in=evaluations.values())}
    to_create, to_update = [], []
    for station_id, rows in sheets.items():
        evaluation = evaluations[station_id]
        for row in rows:
            score = existing.get((evaluation.pk, row["item"].pk)) or ItemScore(evaluation=evaluation, item=row["item"])
            score.fraction, score.computed_score, score.evidence = (
                row["fraction"],
                row["computed_score"],
                row["evidence"],
            )
            score.score = score.override_score if score.override_score is not None else (score.computed_score or 0)
            (to_update if score.pk else to_create).append(score)
    ItemScore.objects.bulk_create(to_create, batch_size=1000)
    ItemScore.objects.bulk_update(to_update, ["fraction", "computed_score", "evidence", "score"], batch_size=1000)
    for evaluation in evaluations.values():
        evaluation.computed_at = now
    StationEvaluation.objects.bulk_update(evaluations.values(), ["computed_at"])
    _rank(scheme)
    _audit(scheme, "compute", by=by, stations=len(evaluations))
    return list(StationEvaluation.objects.filter(scheme=scheme).select_related("station").order_by("rank"))


def _rank(scheme: EvaluationScheme) -> None:
    """Totals, grades, ranks (ties by E, then D, then station code) and awards for the whole year."""
    evaluations = list(StationEvaluation.objects.filter(scheme=scheme).select_related("station"))
    subtotals: dict[int, dict[str, Decimal]] = {
        e.pk: {"total": Decimal(0), "E": Decimal(0), "D": Decimal(0)} for e in evaluations
    }
    for evaluation_id, code, score in ItemScore.objects.filter(evaluation__scheme=scheme).values_list(
        "evaluation_id", "item__category__code", "score"
    ):
        subtotals[evaluation_id]["total"] += score
        if code in ("E", "D"):
            subtotals[evaluation_id][code] += score
    evaluations.sort(
        key=lambda e: (-subtotals[e.pk]["total"], -subtotals[e.pk]["E"], -subtotals[e.pk]["D"], e.station.code)
    )
    awards_left = scheme.award_count
    for rank, evaluation in enumerate(evaluations, start=1):
        evaluation.total = subtotals[evaluation.pk]["total"]
        evaluation.grade = grade_for(evaluation.total)
        evaluation.rank = rank
        evaluation.awarded = evaluation.grade == "excellent" and awards_left > 0
        awards_left -= evaluation.awarded
    StationEvaluation.objects.bulk_update(evaluations, ["total", "grade", "rank", "awarded"])


@transaction.atomic
def set_item_score(*, evaluation: StationEvaluation, item_code: str, score, reason: str, by) -> ItemScore:
    """Score a manual item, or override an auto item, with a written reason (0..max); audited."""
    scheme = EvaluationScheme.objects.select_for_update().get(pk=evaluation.scheme_id)
    _ensure_not_frozen(scheme)
    item = scheme.items.filter(code=item_code).first()
    if item is None:
        raise Invalid(_("Unknown item %(code)s.") % {"code": item_code}, code="unknown_item")
    try:
        value = Decimal(str(score))
    except ArithmeticError:
        raise Invalid({"score": [_("A number is required.")]}) from None
    if not value.is_finite() or value < 0 or value > item.max_score:
        raise Invalid(_("The score must be between 0 and %(max)s.") % {"max": item.max_score}, code="out_of_range")
    if not (reason or "").strip():
        raise Invalid(_("A written reason is required."), code="reason_required")
    row, _created = ItemScore.objects.select_for_update().get_or_create(evaluation=evaluation, item=item)
    before = row.score
    row.override_score, row.override_reason = value, reason.strip()
    row.overridden_by, row.overridden_at = by, timezone.now()
    row.score = value
    row.save()
    _audit(
        scheme,
        "override" if item.kind == "auto" else "manual_score",
        by=by,
        station=evaluation.station,
        item_code=item.code,
        before=str(before),
        after=str(value),
        reason=row.override_reason,
    )
    _rank(scheme)
    return row


@transaction.atomic
def publish(*, scheme: EvaluationScheme, by) -> EvaluationScheme:
    scheme = EvaluationScheme.objects.select_for_update().get(pk=scheme.pk)
    _ensure_not_frozen(scheme)
    scheme.status, scheme.published_at = EvaluationScheme.Status.PUBLISHED, timezone.now()
    scheme.save(update_fields=["status", "published_at"])
    _audit(scheme, "publish", by=by)
    return scheme


@transaction.atomic
def unfreeze(*, scheme: EvaluationScheme, by, reason: str) -> EvaluationScheme:
    if not (reason or "").strip():
        raise Invalid(_("A written reason is required to unfreeze a published year."), code="reason_required")
    scheme = EvaluationScheme.objects.select_for_update().get(pk=scheme.pk)
    if not scheme.is_frozen:
        raise Conflict(_("The %(year)s evaluation is not published.") % {"year": scheme.year})
    scheme.status = EvaluationScheme.Status.DRAFT
    scheme.save(update_fields=["status"])
    _audit(scheme, "unfreeze", by=by, reason=reason.strip())
    return scheme


@transaction.atomic
def copy_scheme(*, source: EvaluationScheme, year: int, by=None) -> EvaluationScheme:
    """Start a new year from an existing sheet (categories, items, maxima, rules and parameters)."""
    if EvaluationScheme.objects.filter(year=year).exists():
        raise Invalid(_("A scheme for %(year)s already exists.") % {"year": year}, code="exists")
    scheme = EvaluationScheme.objects.create(
        year=year, title=source.title.replace(str(source.year), str(year)), award_count=source.award_count
    )
    categories = {}
    for category in source.categories.all():
        old_pk = category.pk
        category.pk, category.scheme = None, scheme
        category.save()
        categories[old_pk] = category
    for item in source.items.all():
        item.pk, item.scheme, item.category = None, scheme, categories[item.category_id]
        item.save()
    _audit(scheme, "copy", by=by, source_year=source.year)
    return scheme
