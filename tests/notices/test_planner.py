"""The planner: three days ahead by time travel, catch-up, change notices once per change, generic reminders."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from core.api import ConflictError, DomainError
from notices import planner, reminders
from notices import services as notice_services
from notices.models import Notice
from stations import notices as reception
from stations import services
from stations.models import ReceptionDay
from tests.notices.support import (  # noqa: F401 - fixtures
    add_subscribers,
    at,
    eager,
    make_day,
    make_station,
    sink,
    sink_lines,
    station_manager,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 3, 28)


@pytest.fixture(autouse=True)
def registered_planners():
    """Only the planners a test registers run (PLANNERS is process-wide: other apps' planners are set aside and
    put back after the test)."""
    reminders.autodiscover()
    saved = dict(reminders.PLANNERS)
    reminders.PLANNERS.clear()
    yield reminders
    reminders.PLANNERS.clear()
    reminders.PLANNERS.update(saved)


@pytest.fixture
def station_day():
    """A station with six residents, three on duty on 28 March 2027, and two SMS subscribers."""
    station, deputies = make_station(deputies=6, accounts=1, emails=2)
    day = make_day(station, DAY, deputies[:3])
    add_subscribers(station, 2)
    return station, deputies, day


def published(day) -> bool:
    day.refresh_from_db()
    return day.notice_published_at is not None


def test_three_days_ahead_by_time_travel(station_day, eager, sink, django_capture_on_commit_callbacks):  # noqa: F811
    _station, deputies, day = station_day
    with time_machine.travel(at(2027, 3, 24), tick=False):
        assert planner.run_planner().days_published == 0
        assert not published(day)
    with time_machine.travel(at(2027, 3, 25), tick=False), django_capture_on_commit_callbacks(execute=True):
        report = planner.run_planner()
    assert report.today == datetime.date(2027, 3, 25)
    assert published(day) and day.status == ReceptionDay.Status.PUBLISHED
    assert timezone.localtime(day.notice_published_at) == at(2027, 3, 25)  # before 09:00 on the 25th
    # Deputies: SMS each, e-mail for the two with an address, the inbox for the one with an account; 2 subscribers.
    notices = Notice.objects.filter(reception_day=day)
    assert notices.count() == 3 + 2 + 1 + 2 == report.reception_notices
    assert set(notices.values_list("status", flat=True)) == {Notice.Status.SENT}
    assert f"deputy:{deputies[0].pk}" in set(notices.values_list("recipient", flat=True))
    with time_machine.travel(at(2027, 3, 26), tick=False), django_capture_on_commit_callbacks(execute=True):
        again = planner.run_planner()
    assert again.days_published == 0 and again.reception_notices == 0
    assert notices.count() == 8 and len([x for x in sink_lines(sink) if x["notice"]]) >= 8


@pytest.mark.parametrize("late", [(2027, 3, 26), (2027, 3, 27), (2027, 3, 28)])
def test_a_day_missed_on_the_25th_is_caught_up(station_day, late):
    _station, _deputies, day = station_day
    with time_machine.travel(at(*late, hour=10), tick=False):
        report = planner.run_planner(enqueue=False)
    assert report.days_published == 1 and published(day)


def test_a_day_already_past_is_not_published(station_day):
    _station, _deputies, day = station_day
    assert planner.run_planner(today=datetime.date(2027, 3, 29), enqueue=False).days_published == 0
    assert not published(day)


def test_a_day_in_the_window_is_published_even_when_generated_late(station_day):
    """A day created on the 26th (a station added late) is published by the next run."""
    station, deputies, _day = station_day
    late = make_day(station, datetime.date(2027, 3, 29), deputies[3:5])
    report = planner.run_planner(today=datetime.date(2027, 3, 26), enqueue=False)
    assert report.days_published == 2 and published(late)


def test_moved_after_publication_sends_one_change_notice_per_recipient_and_channel(
    station_day,
    eager,  # noqa: F811
    sink,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    _station, _deputies, day = station_day
    with time_machine.travel(at(2027, 3, 25), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            planner.run_planner()
        first = set(Notice.objects.filter(reception_day=day).values_list("recipient", "channel"))
        with django_capture_on_commit_callbacks(execute=True):
            services.reception_day_move(
                by=station_manager(), day=day, date=datetime.date(2027, 3, 30), reason="会议室维修"
            )
        changes = Notice.objects.filter(reception_day=day, kind=Notice.Kind.RECEPTION_CHANGE)
        assert set(changes.values_list("recipient", "channel")) == first
        assert changes.count() == len(first)
        assert set(changes.values_list("status", flat=True)) == {Notice.Status.SENT}
        assert "会议室维修" in changes.first().text
        # Planning again sends nothing more; a second change is a second notice for everyone.
        with django_capture_on_commit_callbacks(execute=True):
            planner.run_planner()
        assert changes.count() == len(first)
        with django_capture_on_commit_callbacks(execute=True):
            services.reception_day_cancel(by=station_manager(), day=day, reason="台风预警")
        assert changes.count() == 2 * len(first)
    day.refresh_from_db()
    assert day.status == ReceptionDay.Status.CANCELLED and day.original_date == DAY and day.change_count == 2
    delivered = [x["notice"] for x in sink_lines(sink) if x["notice"]]
    assert len(delivered) == len(set(delivered)) == 3 * len(first)


def test_changes_before_publication_send_nothing_and_a_move_into_the_window_publishes(station_day):
    _station, _deputies, day = station_day
    with time_machine.travel(at(2027, 3, 20), tick=False):
        services.reception_day_move(by=station_manager(), day=day, date=datetime.date(2027, 3, 22), reason="提前接待")
    day.refresh_from_db()
    assert day.status == ReceptionDay.Status.MOVED and day.notice_published_at is not None
    assert not Notice.objects.filter(reception_day=day, kind=Notice.Kind.RECEPTION_CHANGE).exists()
    assert Notice.objects.filter(reception_day=day, kind=Notice.Kind.RECEPTION).count() == 8


def test_moving_into_the_past_or_onto_a_taken_date_is_refused(station_day):
    station, deputies, day = station_day
    make_day(station, datetime.date(2027, 4, 2), deputies[3:])
    with time_machine.travel(at(2027, 3, 20), tick=False):
        with pytest.raises(DomainError, match="past"):
            services.reception_day_move(by=station_manager(), day=day, date=datetime.date(2027, 3, 19), reason="x")
        with pytest.raises(DomainError, match="already has"):
            services.reception_day_move(by=station_manager(), day=day, date=datetime.date(2027, 4, 2), reason="x")
        with pytest.raises(DomainError, match="reason"):
            services.reception_day_move(by=station_manager(), day=day, date=datetime.date(2027, 3, 30), reason="  ")
        services.reception_day_cancel(by=station_manager(), day=day, reason="场地占用")
        with pytest.raises(ConflictError):
            services.reception_day_move(by=station_manager(), day=day, date=datetime.date(2027, 3, 30), reason="x")


def test_duty_added_after_publication_gets_the_reception_notice(station_day):
    _station, deputies, day = station_day
    planner.run_planner(today=datetime.date(2027, 3, 25), enqueue=False)
    before = Notice.objects.filter(reception_day=day).count()
    with time_machine.travel(at(2027, 3, 25, 10), tick=False):
        services.reception_day_update(by=station_manager(), day=day, duty_deputy_ids=[d.pk for d in deputies[:4]])
    added = Notice.objects.filter(reception_day=day, recipient=f"deputy:{deputies[3].pk}")
    assert added.count() == 1 and Notice.objects.filter(reception_day=day).count() == before + 1
    with time_machine.travel(at(2027, 3, 25, 10), tick=False), pytest.raises(DomainError, match="resident"):
        services.reception_day_update(by=station_manager(), day=day, duty_deputy_ids=[deputies[0].pk, 10**9])


def test_concurrent_runs_cannot_record_a_row_twice(station_day):
    """The unique (kind, key, recipient, channel) and ON CONFLICT DO NOTHING: a second insert adds nothing."""
    _station, _deputies, day = station_day
    rows = reception.reception_rows(day)
    first = planner.record_notices(rows)
    assert len(first) == len(rows) == 8
    assert planner.record_notices(rows) == []
    assert Notice.objects.filter(reception_day=day).count() == 8


def test_generic_reminders_reuse_the_rows_and_the_sender(
    eager,  # noqa: F811
    sink,  # noqa: F811
    demo_user,
    django_capture_on_commit_callbacks,
):
    officer, county = demo_user("officer"), demo_user("county")
    officer.phone, officer.email = "13912345678", ""
    officer.save()

    @reminders.reminder_planner("test_quarter_activity")
    def plan(*, today):
        yield reminders.Reminder(
            kind="test_quarter_activity",
            key=f"station:1:quarter:{today:%Y}Q1",
            text="本季度尚未开展进站活动",
            recipient_user_id=officer.pk,
            channels=("site", "sms", "email"),  # no e-mail address: that channel is skipped
        )
        yield reminders.Reminder(
            kind="test_quarter_activity", key="county", text="Summary", recipient_user_id=county.pk
        )

    @reminders.reminder_planner("test_broken")
    def broken(*, today):
        raise RuntimeError("boom 13812345678")

    with django_capture_on_commit_callbacks(execute=True):
        report = planner.run_planner(today=datetime.date(2027, 3, 1))
    assert report.failed_planners == ["test_broken"]
    rows = Notice.objects.filter(kind="test_quarter_activity")
    assert sorted(rows.values_list("recipient", "channel")) == [
        (f"user:{county.pk}", "site"),
        (f"user:{officer.pk}", "site"),
        (f"user:{officer.pk}", "sms"),
    ]
    assert set(rows.values_list("status", flat=True)) == {Notice.Status.SENT}
    with django_capture_on_commit_callbacks(execute=True):
        assert planner.run_planner(today=datetime.date(2027, 3, 1)).reminders == 0
    assert rows.count() == 3
    del reminders.PLANNERS["test_broken"]
    assert len(list(reminders.due_reminders(today=datetime.date(2027, 3, 1)))) == 2  # the public interface


def test_reminders_reach_the_in_site_inbox_without_a_sink(eager, demo_user):  # noqa: F811
    from notices.selectors import inbox_for

    deputy_user = demo_user("deputy")

    @reminders.reminder_planner("test_inbox")
    def plan(*, today):
        yield reminders.Reminder(
            kind="test_inbox", key="k1", text="问卷窗口已开放", recipient_deputy_id=deputy_user.deputy.pk
        )

    ids = planner.materialise_reminders(today=datetime.date(2027, 3, 1), enqueue=False).notice_ids
    assert len(ids) == 1
    assert notice_services.notice_send(notice_id=ids[0]) == "sent"
    assert notice_services.notice_send(notice_id=ids[0]) == "done"
    inbox = inbox_for(user=deputy_user)
    assert [m.body for m in inbox if m.notice_id == ids[0]] == ["问卷窗口已开放"]


@pytest.fixture
def extra_row_planners():
    """Row planners a test registers are removed after it (ROW_PLANNERS is process-wide too)."""
    reminders.autodiscover()
    saved = dict(reminders.ROW_PLANNERS)
    yield reminders.ROW_PLANNERS
    reminders.ROW_PLANNERS.clear()
    reminders.ROW_PLANNERS.update(saved)


def test_reception_days_register_their_planner_like_every_other_reminder():
    planners = dict(reminders.row_planners())
    assert planners["reception"] is reception.plan_reception_days
    assert reminders.row_planners()[0][0] == "reception"  # order 0: it runs first


def test_the_run_publishes_then_closes_then_plans_the_reminders(station_day, extra_row_planners):
    """The order of the daily run: the reception days are published and the past ones closed before any other
    row planner and before the reminders, and the report counts each."""
    station, deputies, day = station_day
    held = make_day(station, datetime.date(2027, 3, 20), deputies[3:], status=ReceptionDay.Status.PUBLISHED)
    ReceptionDay.objects.filter(pk=held.pk).update(notice_published_at=timezone.now())
    seen = []

    @reminders.row_planner("test_later", order=10)
    def later(*, today, enqueue, report):
        seen.append(("row", report.days_published, report.days_closed, report.reminders, enqueue))

    @reminders.reminder_planner("test_after")
    def after(*, today):
        seen.append(("reminders", published(day), ReceptionDay.objects.get(pk=held.pk).status))
        return []

    report = planner.run_planner(today=datetime.date(2027, 3, 25), enqueue=False)
    assert seen == [("row", 1, 1, 0, False), ("reminders", True, ReceptionDay.Status.HELD)]
    assert (report.days_published, report.days_closed, report.reception_notices) == (1, 1, 8)
    assert sorted(report.notice_ids) == sorted(Notice.objects.filter(reception_day=day).values_list("pk", flat=True))


def test_a_second_row_planner_of_the_same_name_is_refused(extra_row_planners):
    with pytest.raises(ValueError, match="already registered"):
        reminders.row_planner("reception")(lambda **kw: None)
