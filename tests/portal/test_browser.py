"""The public portal in a real browser: Playwright driving Debian's Chromium (never a downloaded one) against
pytest-django's live server, on a phone-sized viewport, with axe-core (vendored) checking accessibility.

``live_server`` needs a transactional database, which flushes the demo data: each test builds the small district
it needs. Screenshots go to ``test-artifacts/`` (git-ignored).
"""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from activities.models import Activity, ActivityPlan, ActivityPlanItem
from stations.models import Area, ReceptionDay, StationStaff
from surveys.models import Survey
from surveys.services import survey_sync_questions
from tests.accounts.factories import UserFactory
from tests.browser import ARTIFACTS
from tests.deputies.factories import DeputyFactory, MandateFactory
from tests.stations.factories import AreaFactory, MembershipFactory, StationFactory, StationStaffFactory, StreetFactory

# serialized_rollback: after each test the rows the migrations created (e.g. responsible units) are restored, so
# the transactional tests that run after these find the database as migrations left it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 812}
AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture
def phone(browser):
    """A fresh phone-sized browser context in Chinese (the portal's default language)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="zh-CN", is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def next_28th() -> datetime.date:
    today = timezone.localdate()
    this = today.replace(day=28)
    return this if this >= today else (this + datetime.timedelta(days=7)).replace(day=28)


def build_district():
    """Start from an empty database (the session's demo data may still be there when this module runs alone),
    then build two streets, three stations, resident deputies, staff, the next reception day (published, with duty
    deputies), an activity and a published plan: what the public pages show."""
    call_command("flush", interactive=False, verbosity=0)
    county = AreaFactory(code="T430104", name="岳麓区", kind=Area.Kind.COUNTY)
    juzizhou = StreetFactory(code="T430104001", name="橘子洲街道", name_en="Juzizhou Street", parent=county)
    yuelu = StreetFactory(code="T430104002", name="岳麓街道", name_en="Yuelu Street", parent=county)
    north = StationFactory(
        code="YL-001",
        name="橘子洲街道北片人大代表联络站",
        area=juzizhou,
        address="长沙市岳麓区橘子洲街道桐梓坡路271号",
        latitude="28.188000",
        longitude="112.962000",
        phone="0731-87228714",
    )
    south = StationFactory(
        code="YL-002",
        name="橘子洲街道南片人大代表联络站",
        area=juzizhou,
        address="长沙市岳麓区橘子洲街道潇湘中路51号",
        latitude="28.176000",
        longitude="112.958000",
    )
    StationFactory(
        code="YL-003",
        name="岳麓街道大学城人大代表联络站",
        area=yuelu,
        kind="deputies_home",
        address="长沙市岳麓区麓山南路932号",
        latitude="28.180000",
        longitude="112.940000",
    )
    StationStaffFactory(
        station=north, role=StationStaff.Role.HEAD, user=UserFactory(username="h1", last_name="杨", first_name="旭")
    )
    StationStaffFactory(station=north, user=UserFactory(username="o1", last_name="伍", first_name="婷婷"))
    deputies = []
    for name, level, occupation in (
        ("刘秀梅", "city", "村党总支书记"),
        ("孙畅", "county", "社会组织负责人"),
        ("黄红", "township", "医生"),
    ):
        deputy = DeputyFactory(name=name, occupation=occupation, phone="13812345678", public_contact="联络站转达")
        MandateFactory(deputy=deputy, level=level)
        MembershipFactory(deputy=deputy, station=north)
        deputies.append(deputy)
    day = next_28th()
    for station in (north, south):
        reception = ReceptionDay.objects.create(
            station=station,
            scheduled_date=day,
            date=day,
            status=ReceptionDay.Status.PUBLISHED,
            notice_published_at=timezone.now(),
        )
        if station == north:
            reception.duty_deputies.add(*deputies[:2])
    today = timezone.localdate()
    Activity.objects.create(
        station=north, kind="public_service", date=today - datetime.timedelta(days=3), title="免费法律咨询进社区"
    )
    plan = ActivityPlan.objects.create(
        station=north, year=today.year, title="年度活动计划", published_at=timezone.now()
    )
    ActivityPlanItem.objects.create(plan=plan, quarter=4, kind="duty_report", title="代表向选民述职")
    survey = Survey.objects.create(
        station=north,
        year=today.year,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=20),
    )
    survey_sync_questions(survey=survey)
    return {"north": north, "south": south, "deputies": deputies, "day": day}


def axe_violations(page, name: str) -> list[dict]:
    """Run axe-core (vendored) on the page; return its serious and critical WCAG 2.1 A/AA violations."""
    # As a file from this origin: the Content-Security-Policy (script-src 'self') refuses an inline script.
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    page.add_script_tag(url=f"{origin}/static/vendor/axe/{AXE.name}")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    bad = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    (ARTIFACTS / f"axe-{name}.txt").write_text("\n".join(map(str, result["violations"])) or "no violations\n")
    return bad


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def fits_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_citizen_on_a_phone_finds_a_station_leaves_an_opinion_and_tracks_it(live_server, phone):
    district = build_district()
    day = district["day"]
    page = phone

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator(".station-card").count() == 3
    page.wait_for_selector("#station-map canvas")  # the map drew itself, from vendored ECharts
    assert fits_width(page)
    shot(page, "01-directory")
    assert axe_violations(page, "directory") == []

    # search a street
    page.fill("#q", "橘子洲")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url(re.compile(r"\?q="))
    codes = page.locator(".station-card").evaluate_all("cards => cards.map(c => c.dataset.code)")
    assert codes == ["YL-001", "YL-002"]
    assert fits_width(page)
    shot(page, "02-search-street")

    # open a station: the next reception day is the 28th
    page.get_by_role("link", name=district["north"].name).first.click()
    page.wait_for_url(re.compile(r"/stations/YL-001/$"))
    next_day = page.locator("section.reception-card")
    assert next_day.locator("time").first.get_attribute("datetime") == day.isoformat()
    assert "28日" in next_day.inner_text()
    assert "刘秀梅" in next_day.inner_text() and "孙畅" in next_day.inner_text()
    body = page.inner_text("body")
    assert "免费法律咨询进社区" in body and "代表向选民述职" in body and "黄红" in body
    assert not MOBILE.search(page.content())
    assert page.locator('a[data-link="qr"]').count() == 1 and page.locator('a[data-link="opinion"]').count() == 1
    assert fits_width(page)
    shot(page, "03-station")
    assert axe_violations(page, "station") == []

    # leave an opinion through the station's form
    page.locator('a[data-link="opinion"]').click()
    page.wait_for_selector("form textarea[name=content]")
    assert axe_violations(page, "opinion-form") == []
    page.fill("textarea[name=content]", "小区门口路灯坏了两个星期，晚上出行不安全，希望尽快修好。")
    page.fill("input[name=citizen_phone]", "13912345678")
    shot(page, "04-opinion-form")
    page.locator("main form button[type=submit]").click()
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{6,20}", code)
    assert "13912345678" not in page.content()
    assert axe_violations(page, "opinion-submitted") == []
    shot(page, "05-opinion-submitted")

    # land on the tracking page
    page.locator(f'a[href$="/track/{code}/"]').click()
    page.wait_for_url(re.compile(rf"/track/{code}/$"))
    assert code in page.inner_text("main")
    assert "13912345678" not in page.content() and not MOBILE.search(page.content())
    assert axe_violations(page, "track") == []
    shot(page, "06-track")

    # switch to English (the button is on every page)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert code in page.inner_text("main")
    page.goto(live_server.url + "/stations/YL-001/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Next reception day" in page.inner_text("main")
    assert axe_violations(page, "station-en") == []

    # turn on large text: applied at once, remembered in a cookie, still on after a reload
    before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    toggle = page.locator("[data-text-toggle]")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert page.locator("html").get_attribute("class") == "text-large"
    assert toggle.get_attribute("aria-pressed") == "true"
    after = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert after >= before * 1.2
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("portal_text") == "large" and cookies.get("django_language") == "en"
    page.reload()
    assert page.locator("html").get_attribute("class") == "text-large"
    assert page.locator("[data-text-toggle]").get_attribute("aria-pressed") == "true"
    assert fits_width(page)
    assert axe_violations(page, "station-en-large") == []
    shot(page, "07-station-en-large-text")


def test_nearest_station_from_the_browsers_location(live_server, browser):
    build_district()
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="zh-CN", geolocation={"latitude": 28.1765, "longitude": 112.9585}
    )
    context.grant_permissions(["geolocation"], origin=live_server.url)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.wait_for_selector("#station-map canvas")
    page.locator("[data-nearest-button]").click()
    results = page.locator("[data-nearest-output] ol li")
    results.first.wait_for()
    first = results.first.inner_text()
    assert "橘子洲街道南片" in first and re.search(r"\d+ (m|米)", first)  # about 70 m from YL-002
    assert results.count() == 3
    distance = page.locator('.station-card[data-code="YL-003"] [data-distance]')
    assert distance.is_visible() and re.search(r"km|公里", distance.inner_text())
    assert fits_width(page)  # 360 px, the narrowest phone we support
    shot(page, "08-nearest-360")
    context.close()


def test_unknown_station_is_a_friendly_page_in_english(live_server, browser):
    build_district()
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    response = page.goto(live_server.url + "/stations/YL-404/")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Page not found" in page.inner_text("h1")
    assert axe_violations(page, "404") == []
    page.get_by_label("Search the stations by name, street or address").fill("岳麓街道" * 100)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"\?q="))
    assert page.locator("#q").input_value() == "岳麓街道" * 25  # cut to 100 characters, no error
    assert page.locator(".station-card").count() == 0
    assert "No station matches your search." in page.inner_text("main")
    context.close()


def test_public_forms_pass_axe_also_with_errors(live_server, phone):
    """The other public forms in the portal's style: subscription, survey, tracking lookup, and the opinion form
    showing its errors. No serious or critical accessibility violation, no horizontal scrolling at 375 px."""
    build_district()
    page = phone
    page.goto(live_server.url + "/stations/YL-001/")
    for kind in ("subscribe", "survey", "track"):
        page.goto(live_server.url + "/stations/YL-001/")
        page.locator(f'a[data-link="{kind}"]').click()
        page.wait_for_selector("main form")
        assert fits_width(page), kind
        assert axe_violations(page, f"form-{kind}") == [], kind
        shot(page, f"09-form-{kind}")
    page.goto(live_server.url + "/opinions/new/?station=YL-001")
    page.locator("main form button[type=submit]").click()  # nothing filled in
    page.wait_for_selector(".invalid-feedback")
    assert fits_width(page)
    assert axe_violations(page, "opinion-form-errors") == []
    shot(page, "10-opinion-form-errors")
