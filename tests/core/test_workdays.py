"""The working-day calendar: the shipped 2025–2027 holidays and make-up days, and ``add_working_days``."""

import datetime

import pytest

from core.models import CalendarException
from core.workdays import WorkingDayCalendar, add_working_days, is_working_day

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    "day,working",
    [
        (D(2025, 1, 1), False),  # 元旦
        (D(2025, 1, 26), True),  # Sunday, make-up day before the Spring Festival
        (D(2025, 1, 28), False),  # 除夕
        (D(2025, 2, 4), False),  # last day of the Spring Festival
        (D(2025, 2, 5), True),
        (D(2025, 2, 8), True),  # Saturday, make-up day
        (D(2025, 4, 4), False),  # 清明
        (D(2025, 4, 27), True),  # Sunday, make-up day for May Day
        (D(2025, 5, 5), False),
        (D(2025, 6, 2), False),  # 端午
        (D(2025, 9, 28), True),  # Sunday, make-up day
        (D(2025, 10, 8), False),  # 国庆 + 中秋
        (D(2025, 10, 11), True),  # Saturday, make-up day
        (D(2026, 1, 2), False),
        (D(2026, 1, 4), True),
        (D(2026, 2, 14), True),
        (D(2026, 2, 23), False),
        (D(2026, 2, 28), True),
        (D(2026, 5, 9), True),
        (D(2026, 6, 19), False),
        (D(2026, 9, 20), True),
        (D(2026, 9, 25), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),
        (D(2026, 11, 24), True),  # an ordinary Tuesday
        (D(2026, 11, 28), False),  # an ordinary Saturday
        (D(2027, 10, 1), False),
    ],
)
def test_shipped_calendar(day, working):
    assert is_working_day(day) is working


def test_every_make_up_day_is_a_weekend_and_the_three_years_are_there():
    rows = CalendarException.objects.filter(date__year__in=[2025, 2026, 2027])
    assert {d.year for d in rows.values_list("date", flat=True)} == {2025, 2026, 2027}
    for day in rows.filter(is_working_day=True).values_list("date", flat=True):
        assert day.weekday() >= 5, day
    spring_2025 = rows.filter(name="春节", date__year=2025).values_list("date", flat=True)
    assert sorted(spring_2025) == [D(2025, 1, 28) + datetime.timedelta(days=i) for i in range(8)]


def test_add_working_days_skips_weekends_holidays_and_counts_make_up_days():
    # Received Friday 2025-01-24: +2 working days crosses the weekend but Sunday 26th is a make-up day.
    assert add_working_days(D(2025, 1, 24), 2) == D(2025, 1, 27)
    # Received on 除夕: the whole festival is skipped, and the make-up Saturday 8 Feb counts.
    assert add_working_days(D(2025, 1, 28), 1) == D(2025, 2, 5)
    assert add_working_days(D(2025, 1, 28), 4) == D(2025, 2, 8)
    # 15 working days from the last day before the 2025 National Day holiday.
    assert add_working_days(D(2025, 9, 30), 15) == D(2025, 10, 28)  # 9, 10, 11 (Sat), 13–17, 20–24, 27, 28
    assert add_working_days(D(2025, 10, 28), -15) == D(2025, 9, 30)
    assert add_working_days(D(2026, 11, 28), 0) == D(2026, 11, 30)
    assert add_working_days(D(2026, 11, 24), 0) == D(2026, 11, 24)


def test_an_edit_in_the_table_changes_the_deadlines():
    assert add_working_days(D(2026, 12, 30), 1) == D(2026, 12, 31)
    CalendarException.objects.create(date=D(2026, 12, 31), is_working_day=False, name="测试假日")
    assert add_working_days(D(2026, 12, 30), 1) == D(2027, 1, 4)


def test_a_preloaded_calendar_makes_no_queries(django_assert_num_queries):
    calendar = WorkingDayCalendar.load(D(2025, 1, 1), D(2025, 12, 31))
    with django_assert_num_queries(0):
        assert calendar.add(D(2025, 4, 30), 1) == D(2025, 5, 6)
        assert calendar.count_between(D(2025, 4, 30), D(2025, 5, 6)) == 1
