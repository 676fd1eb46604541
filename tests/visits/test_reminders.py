"""The opinion-deadline planner: two working days before each deadline, to the responsible staff."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notices.reminders import PLANNERS, due_reminders
from stations.models import Station, StationStaff
from visits import services
from visits.models import ResponsibleUnit

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


def mine(reminders, pk):
    return sorted((r for r in reminders if r.key.startswith(f"opinion:{pk}:")), key=lambda r: r.recipient_user_id)


def plan(day):
    return list(PLANNERS["opinion_deadline"](today=day))


def test_the_planner_is_registered_with_the_generic_interface():
    assert "opinion_deadline" in PLANNERS


def test_register_and_assign_reminders_around_the_mid_autumn_and_national_day_holidays(demo_user):
    officer, street = demo_user("officer"), demo_user("street")
    station = Station.objects.get(code="YL-001")
    with time_machine.travel(at(D(2026, 9, 24)), tick=False):
        opinion = services.opinion_create(by=officer, station=station, channel="visit", content="路灯不亮").opinion
    # Received Thursday 24 September; 25–27 are the Mid-Autumn holiday: registered by Tuesday 29th.
    assert opinion.register_due == D(2026, 9, 29)
    staff = set(StationStaff.objects.current(on=D(2026, 9, 24)).filter(station=station).values_list("user", flat=True))
    assert len(staff) == 2

    assert mine(plan(D(2026, 9, 23)), opinion.pk) == []
    first = mine(plan(D(2026, 9, 24)), opinion.pk)  # two working days before the 29th (the 25th is a holiday)
    assert {r.recipient_user_id for r in first} == staff
    assert {r.key for r in first} == {f"opinion:{opinion.pk}:register:2026-09-29"}
    assert all(r.kind == "opinion_deadline" and r.station_id == station.pk for r in first)
    assert opinion.tracking_code in first[0].text
    # A later run the same day, or a catch-up run on the 28th, plans the same occurrence with the same key.
    assert mine(plan(D(2026, 9, 28)), opinion.pk) == first
    assert mine(plan(D(2026, 9, 30)), opinion.pk) == []  # the deadline passed: overdue, no more reminders

    with time_machine.travel(at(D(2026, 9, 29)), tick=False):
        services.opinion_transition(opinion=opinion, action="register", by=officer)
    opinion.refresh_from_db()
    # Ten working days from 29 September across the National Day holiday (10 October is a make-up day).
    assert opinion.assign_due == D(2026, 10, 19)
    assert mine(plan(D(2026, 10, 14)), opinion.pk) == []
    assign = mine(plan(D(2026, 10, 15)), opinion.pk)
    assert [r.recipient_user_id for r in assign] == [street.pk]  # the street's staff assign
    assert assign[0].key == f"opinion:{opinion.pk}:assign:2026-10-19"

    with time_machine.travel(at(D(2026, 10, 16)), tick=False):
        services.opinion_transition(opinion=opinion, action="assign", by=street, unit=ResponsibleUnit.objects.first())
    opinion.refresh_from_db()
    due = opinion.answer_due
    assert due == D(2026, 11, 6)
    answer = mine(plan(D(2026, 11, 4)), opinion.pk)
    assert {r.recipient_user_id for r in answer} == staff
    assert {r.key for r in answer} == {f"opinion:{opinion.pk}:answer:2026-11-06"}


def test_closed_and_answered_opinions_get_no_reminders(demo_user):
    officer = demo_user("officer")
    station = Station.objects.get(code="YL-001")
    with time_machine.travel(at(D(2026, 9, 24)), tick=False):
        opinion = services.opinion_create(by=officer, station=station, channel="phone", content="测试").opinion
        services.opinion_transition(opinion=opinion, action="reject", by=demo_user("county"), reason="重复")
    assert mine(plan(D(2026, 9, 24)), opinion.pk) == []
    assert all(r.kind for r in due_reminders(today=D(2026, 9, 24)))
