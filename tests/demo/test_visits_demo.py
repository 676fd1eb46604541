"""The demo ledger: the seed newsletter's 2025 figures exactly, gaps for the evaluation, idempotency."""

import pytest
from django.db.models import Sum
from django.utils import timezone

from demo import core
from demo import visits as demo
from stations.models import ReceptionDay
from visits.models import Opinion, OpinionEvent, Outreach, PracticalMatter, VisitLog

pytestmark = pytest.mark.django_db
BASE = [f"YL-{i:03d}" for i in range(1, 42)]


def in_2025(qs, field="date"):
    return qs.filter(**{f"{field}__year": 2025, "station__code__in": BASE})


def test_2025_figures_are_exactly_the_seeds():
    assert in_2025(VisitLog.objects).aggregate(n=Sum("people_count"))["n"] == 2379
    assert in_2025(Outreach.objects).aggregate(n=Sum("people_count"))["n"] == 8724
    opinions = in_2025(Opinion.objects, "received_at")
    assert opinions.count() == 335
    assert opinions.filter(status="closed", resolved=True).count() == 199
    assert in_2025(PracticalMatter.objects).count() == 1352


def test_2025_opinions_cover_every_state_some_overdue_and_all_have_a_history():
    opinions = in_2025(Opinion.objects, "received_at")
    statuses = set(opinions.values_list("status", flat=True))
    assert statuses == {"received", "registered", "assigned", "in_progress", "answered", "closed", "rejected"}
    assert opinions.filter(status="closed", resolved=False).exists()
    assert opinions.overdue().exists()
    assert not opinions.exclude(pk__in=OpinionEvent.objects.filter(action="receive").values("opinion")).exists()
    assert opinions.filter(status="closed", resolved=True, rating="satisfied").count() > 150
    assert PracticalMatter.objects.filter(source_opinion__isnull=False).exists()


def test_many_visit_logs_sit_on_reception_days_and_a_few_held_days_have_none():
    logs = in_2025(VisitLog.objects)
    assert logs.filter(reception_day__isnull=False).count() > logs.count() / 2
    held = ReceptionDay.objects.filter(date__year=2025, status__in=["held", "moved"], station__code__in=BASE)
    gaps = set(held.filter(visit_logs__isnull=True).values_list("station__code", "scheduled_date__month"))
    assert gaps == demo.GAPS


def test_2026_has_plausible_records_up_to_today():
    today = timezone.localdate()
    assert VisitLog.objects.filter(date__year=2026).count() > 300
    assert not VisitLog.objects.filter(date__gte=today).exists()
    recent = Opinion.objects.filter(received_at__year=2026)
    assert recent.count() > 100 and recent.exclude(status="closed").exists()
    assert not Opinion.objects.filter(received_at__date__gte=today).exists()


def test_demo_personal_data_looks_real_but_is_masked_in_lists():
    visit = VisitLog.objects.exclude(visitor_phone="").first()
    assert len(visit.visitor_phone) == 11 and visit.masked_visitor_phone.count("*") == 4


def test_running_the_step_again_adds_nothing():
    counts = [m.objects.count() for m in (VisitLog, Outreach, Opinion, OpinionEvent, PracticalMatter)]
    demo.seed(core.Context(scale=1))
    assert [m.objects.count() for m in (VisitLog, Outreach, Opinion, OpinionEvent, PracticalMatter)] == counts
