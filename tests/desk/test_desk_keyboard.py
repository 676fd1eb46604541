"""The station desk with the keyboard alone, in a real browser (Debian's Chromium through Playwright, never a
downloaded one): a whole visit entry typed field by field (type, Tab, type, …, Enter), checked in the database
field by field; then corrected, voided with a reason and the void undone. Screenshots go to ``test-artifacts/``.

``live_server`` needs a transactional database, which flushes the demo data: the test builds the one station
it needs.
"""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from stations.models import Area
from tests.accounts.factories import UserFactory
from tests.browser import ARTIFACTS
from tests.deputies.factories import DeputyFactory, MandateFactory
from tests.stations.factories import AreaFactory, MembershipFactory, StationFactory, StationStaffFactory, StreetFactory
from visits.models import VisitLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1280, "height": 1000}


def build_station():
    call_command("flush", interactive=False, verbosity=0)
    county = AreaFactory(code="T430104", name="岳麓区", kind=Area.Kind.COUNTY)
    street = StreetFactory(code="T430104001", name="橘子洲街道", parent=county)
    station = StationFactory(code="YL-001", name="橘子洲街道北片人大代表联络站", area=street)
    officer = UserFactory(username="o1", role=Role.OFFICER, last_name="伍", first_name="婷婷")
    StationStaffFactory(station=station, user=officer)
    for name in ("刘秀梅", "孙畅"):
        deputy = DeputyFactory(name=name)
        MandateFactory(deputy=deputy)
        MembershipFactory(deputy=deputy, station=station)
    return station, officer


@pytest.fixture
def desk(browser, live_server):
    """The officer's desk in a desktop-sized Chinese browser, signed in with the session of Django's client."""
    station, officer = build_station()
    client = Client()
    client.force_login(officer)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/desk/{station.code}/")
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def focused(page) -> str:
    return page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.tagName)")


def test_a_visit_entry_with_the_keyboard_alone_then_corrected_voided_and_the_void_undone(desk, live_server):
    page = desk
    day = timezone.localdate() - datetime.timedelta(days=1)
    assert focused(page) == "v-people"  # the first field, empty, has the focus
    assert page.input_value("#v-people") == ""

    keys = page.keyboard
    keys.type("3")
    keys.press("Tab")
    assert focused(page) == "visit_date"  # one Tab stop for the whole date
    keys.type(f"{day:%Y/%m/%d}")  # the prefilled day is selected on Tab and replaced by what is typed
    keys.press("Tab")
    assert focused(page) == "visit_reception_day"
    keys.press("Tab")
    assert focused(page) == "visit_topics"
    keys.type("停车难")
    keys.press("Tab")
    keys.type("小区停车位不足，希望增设")
    keys.press("Tab")
    assert focused(page) == "visit_visitor_name"
    keys.type("王小明")
    keys.press("Tab")
    keys.type("13912345678")
    page.screenshot(path=str(ARTIFACTS / "desk-keyboard-typed.png"), full_page=True)
    keys.press("Enter")

    status = page.locator("#visits [data-announce]")
    status.wait_for()
    assert f"{day:%Y-%m-%d}" in status.inner_text() and "3" in status.inner_text()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'v-people'")
    assert page.input_value("#v-people") == ""  # ready for the next group, focus back on the first field
    page.wait_for_function("document.getElementById('desk-status').textContent.length > 0")
    page.screenshot(path=str(ARTIFACTS / "desk-keyboard-saved.png"), full_page=True)

    log = VisitLog.objects.get(station__code="YL-001")
    assert log.date == day
    assert log.people_count == 3  # exactly what was typed, not 31
    assert (log.topics, log.summary) == ("停车难", "小区停车位不足，希望增设")
    assert (log.visitor_name, log.visitor_phone) == ("王小明", "13912345678")
    row = page.locator(f"#visit-log-{log.pk}")
    assert "停车难" in row.inner_text()

    # correct it: the same form, prefilled (the phone masked), no focus into a prefilled field
    row.locator("a[href$='/edit/']").click()
    page.wait_for_url("**/records/visit_log/*/edit/")
    assert focused(page) != "v-people"
    assert page.input_value("#v-people") == "3" and page.input_value("#visit_visitor_phone") == "139****5678"
    page.focus("#v-people")
    keys.press("Control+A")
    keys.type("4")
    page.focus("#visit_reason")
    keys.type("人数录错")
    page.screenshot(path=str(ARTIFACTS / "desk-keyboard-edit.png"), full_page=True)
    keys.press("Enter")
    page.wait_for_url("**/desk/YL-001/**")
    log.refresh_from_db()
    assert (log.people_count, log.visitor_phone, log.topics) == (4, "13912345678", "停车难")
    assert page.locator(".desk-notice [data-undo]").count() == 1  # the correction offers its undo

    # void it, with the reason the confirmation asks for
    page.locator(f"#visit-log-{log.pk} a[href$='/void/']").click()
    page.wait_for_url("**/records/visit_log/*/void/")
    assert focused(page) == "void_reason"
    keys.press("Enter")  # no reason: refused, said next to the field
    page.wait_for_selector("#void_reason[aria-invalid='true']")
    assert VisitLog.objects.filter(pk=log.pk).exists()
    keys.type("重复录入")
    keys.press("Enter")
    page.wait_for_url("**/desk/YL-001/**")
    voided = VisitLog.all_objects.get(pk=log.pk)
    assert voided.voided_at is not None and voided.void_reason == "重复录入"
    assert page.locator(f"#visit-log-{log.pk}").count() == 0
    page.screenshot(path=str(ARTIFACTS / "desk-keyboard-voided.png"), full_page=True)

    # undo the void right away
    page.locator(".desk-notice [data-undo]").click()
    page.wait_for_selector(f"#visit-log-{log.pk}")
    assert VisitLog.objects.get(pk=log.pk).voided_at is None
    page.screenshot(path=str(ARTIFACTS / "desk-keyboard-restored.png"), full_page=True)

    page.goto(f"{live_server.url}/desk/records/visit_log/{log.pk}/history/")
    trail = page.locator("table.desk-trail tbody tr")
    assert trail.count() == 4  # entered, corrected, voided, restored
    assert "人数录错" in page.content() and "重复录入" in page.content()
    page.screenshot(path=str(ARTIFACTS / "desk-keyboard-history.png"), full_page=True)


def test_a_wrong_entry_takes_the_focus_to_the_field_and_names_the_error(desk):
    page = desk
    keys = page.keyboard
    keys.type("2")
    keys.press("Tab")
    keys.type("2026-13-40")
    keys.press("Enter")
    page.wait_for_selector("#visit_date[aria-invalid='true']")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'visit_date'")
    described = page.get_attribute("#visit_date", "aria-describedby")
    assert page.locator(f"#{described}").inner_text().strip()
    assert page.input_value("#v-people") == "2"  # what was typed stays
    assert VisitLog.objects.count() == 0
    page.screenshot(path=str(ARTIFACTS / "desk-keyboard-error.png"), full_page=True)
