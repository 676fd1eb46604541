"""The duty rota rule, generating reception days, and the issue's "done when" check on the demo district."""

import datetime
import itertools
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deputies.models import LEVEL_ORDER
from notices.models import Notice
from stations import rota, services
from stations.models import DutyRota, DutyRotaMember, ReceptionDay
from tests.notices.support import eager, make_station, sink, sink_lines  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

MARCH_28 = datetime.date(2027, 3, 28)


def simulate(candidates, months: int, per_day=None):
    """The rota over ``months`` consecutive reception days, as the generator runs it."""
    history_days, picks = [], []
    for m in range(months):
        picked = rota.pick_duty(candidates, history=rota.History.from_days(history_days), per_day=per_day)
        history_days.append((datetime.date(2027, 1, 28) + datetime.timedelta(days=31 * m), picked))
        picks.append(picked)
    return picks


def test_rota_is_fair_and_nobody_serves_twice_in_a_row_when_avoidable():
    levels = ["township", "township", "township", "county", "county", "city", "provincial"]
    candidates = [rota.Candidate(deputy_id=i + 1, level=lv, position=i) for i, lv in enumerate(levels)]
    picks = simulate(candidates, months=14)
    assert all(len(p) == 3 for p in picks)  # six or more take part: three a day
    load = Counter(d for p in picks for d in p)
    assert set(load) == {c.deputy_id for c in candidates}
    assert max(load.values()) - min(load.values()) <= 1
    for before, after in itertools.pairwise(picks):
        assert not set(before) & set(after)


def test_rota_order_spreads_levels_so_every_day_mixes_them():
    members = [(1, "township"), (2, "township"), (3, "township"), (4, "township"), (5, "city"), (6, "city")]
    ordered = rota.order_by_level(members, level_rank=LEVEL_ORDER)
    assert sorted(ordered) == members  # nobody lost; within a level the given order is kept
    assert [d for d, _ in ordered if d <= 4] == [1, 2, 3, 4]
    candidates = [rota.Candidate(deputy_id=d, level=lv, position=i) for i, (d, lv) in enumerate(ordered)]
    level_of = dict(members)
    for picked in simulate(candidates, months=9, per_day=3):
        assert {level_of[d] for d in picked} == {"township", "city"}


def test_small_pools_rotate_with_two_a_day():
    candidates = [rota.Candidate(deputy_id=i, position=i) for i in (1, 2, 3)]
    picks = simulate(candidates, months=6)
    assert all(len(p) == 2 for p in picks)
    load = Counter(d for p in picks for d in p)
    assert sorted(load.values()) == [4, 4, 4]
    assert rota.pick_duty([], history=rota.History()) == []
    assert rota.default_per_day(1) == 1 and rota.default_per_day(5) == 2 and rota.default_per_day(6) == 3


def test_generation_takes_the_rota_into_account():
    station, deputies = make_station(deputies=7)
    left_out, first = deputies[0], deputies[1]
    duty_rota = DutyRota.objects.create(station=station, deputies_per_day=2)
    DutyRotaMember.objects.create(rota=duty_rota, deputy=left_out, position=0, active=False)
    DutyRotaMember.objects.create(rota=duty_rota, deputy=first, position=1)

    services.reception_days_generate(month=datetime.date(2027, 3, 1))
    march = ReceptionDay.objects.get(station=station, scheduled_date=MARCH_28)
    on_duty = set(march.duty_deputies.values_list("pk", flat=True))
    assert len(on_duty) == 2 and left_out.pk not in on_duty and first.pk in on_duty
    assert march.status == ReceptionDay.Status.PLANNED and march.date == MARCH_28

    services.reception_days_generate(month=datetime.date(2027, 4, 1))
    april = ReceptionDay.objects.get(station=station, scheduled_date=datetime.date(2027, 4, 28))
    assert not on_duty & set(april.duty_deputies.values_list("pk", flat=True))


def test_generation_ignores_inactive_stations_and_stations_without_residents():
    station, _ = make_station(deputies=0)
    closed, _ = make_station(deputies=3)
    closed.is_active = False
    closed.save()
    services.reception_days_generate(month=datetime.date(2027, 5, 1))
    day = ReceptionDay.objects.get(station=station, scheduled_date=datetime.date(2027, 5, 28))
    assert day.duty_deputies.count() == 0
    assert not ReceptionDay.objects.filter(station=closed).exists()


@pytest.mark.parametrize(
    "args",
    [
        ["generate_reception_days", "--month", "2027-13"],
        ["generate_reception_days", "--month", "2027-3"],
        ["send_reception_notices", "--today", "2027-02-30"],
        ["send_reception_notices", "--today", "25/03/2027"],
        ["sweep_notices", "--older-than", "-1"],
    ],
)
def test_bad_arguments_are_one_line_errors_with_status_2_and_write_nothing(args):
    before = (ReceptionDay.objects.count(), Notice.objects.count())
    with pytest.raises(CommandError) as error:
        call_command(*args)
    assert error.value.returncode == 2
    assert "\n" not in str(error.value)
    assert (ReceptionDay.objects.count(), Notice.objects.count()) == before


def test_done_when_on_the_demo_district(eager, sink, django_capture_on_commit_callbacks):  # noqa: F811
    """The issue's check: generate 2027-03 twice → 41 days with deputies on duty; notices on the 25th → all
    published and sent; again, and on the 26th → nothing more."""
    call_command("generate_reception_days", "--month", "2027-03")
    call_command("generate_reception_days", "--month", "2027-03")
    days = ReceptionDay.objects.filter(scheduled_date=MARCH_28, station__code__startswith="YL-")
    assert days.count() == 41
    assert all(day.duty_deputies.exists() for day in days.prefetch_related("duty_deputies"))
    assert not days.filter(notice_published_at__isnull=False).exists()

    reception = Notice.objects.filter(reception_day__in=days)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reception_notices", "--today", "2027-03-25")
    assert days.filter(notice_published_at__isnull=False, status=ReceptionDay.Status.PUBLISHED).count() == 41
    sent = reception.count()
    assert sent >= 41 * 2
    assert reception.filter(status=Notice.Status.SENT).count() == sent
    ids = set(reception.values_list("pk", flat=True))
    delivered = [line["notice"] for line in sink_lines(sink) if line["notice"] in ids]
    assert sorted(delivered) == sorted(ids)  # each notice exactly once in the sink

    lines = len(sink_lines(sink))
    for today in ("2027-03-25", "2027-03-26"):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reception_notices", "--today", today)
        assert reception.count() == sent
    new_lines = sink_lines(sink)[lines:]
    assert not [line for line in new_lines if line["notice"] in ids]
