"""Demo step for the dashboard and the evaluation: rollups rebuilt from the demo records, the manual items of
the 2025 sheet scored by county staff (as after the year-end inspection), and the 2025 evaluation computed."""

from __future__ import annotations

import random
from decimal import Decimal
from importlib import import_module

from django.apps import apps as django_apps
from django.utils import timezone

from accounts.models import User
from reports import evaluation, rollups
from reports.models import EvaluationScheme, ItemScore, StationEvaluation
from stations.models import Station

SEED = 2031
DEMO_YEAR = 2025
REASONS = {
    "A2": "年终实地检查：标牌、标识和公示栏情况",
    "A3": "年终实地检查：办公设施和无障碍通道情况",
    "E2": "街道人大工委报告：网格融合情况",
}


def seed(ctx) -> None:
    # The default schemes come with migration reports.0002; a database flushed by a transactional test lost
    # them, so load them again (the loader skips years that exist).
    import_module("reports.migrations.0002_default_scheme").load(django_apps, None)
    rows = rollups.rebuild()
    ctx.say(f"rollups: {rows} station-months")
    scheme = EvaluationScheme.objects.filter(year=DEMO_YEAR).first()
    if scheme is None or scheme.is_frozen or StationEvaluation.objects.filter(scheme=scheme).exists():
        return
    rng = random.Random(SEED)
    county = User.objects.filter(username="county").first()
    items = {i.code: i for i in scheme.items.filter(kind="manual")}
    now = timezone.now()
    scores = []
    for station in Station.objects.filter(is_active=True).order_by("code"):
        sheet = StationEvaluation.objects.create(scheme=scheme, station=station)
        for code, item in items.items():
            value = item.max_score - Decimal(rng.choice([0, 0, 0, 0.5, 1, 1.5]))
            scores.append(
                ItemScore(
                    evaluation=sheet,
                    item=item,
                    override_score=value,
                    score=value,
                    override_reason=REASONS[code],
                    overridden_by=county,
                    overridden_at=now,
                )
            )
    ItemScore.objects.bulk_create(scores)
    results = evaluation.compute_evaluation(scheme=scheme, by=county)
    ctx.say(f"evaluation {DEMO_YEAR}: {len(results)} stations scored")
