"""The county dashboard in a real browser (Debian's Chromium via Playwright), for county and street staff."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from tests.browser import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def signed_in_page(browser, live_server, username):
    """A desktop-sized page carrying the session cookie of ``username`` (logged in through Django's client)."""
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def test_dashboard_for_county_and_street_staff(live_server, browser):
    call_command("seed_demo", verbosity=0)  # live_server flushed the session's demo data

    page, errors = signed_in_page(browser, live_server, "county")
    page.goto(f"{live_server.url}/dashboard/?year=2025")
    assert page.locator('[data-kpi="people_received"]').inner_text().replace(",", "") == "2379"
    assert page.locator('[data-kpi="people_visited"]').inner_text().replace(",", "") == "8724"
    assert page.locator('[data-kpi="stations"]').inner_text() == "41"
    page.wait_for_selector("#chart-trend svg")  # ECharts drew the trend from the vendored library
    page.wait_for_selector("#chart-map svg")
    page.screenshot(path=str(ARTIFACTS / "dashboard-county.png"), full_page=True)
    # Drill down: county → a street → a station.
    page.get_by_role("link", name="橘子洲街道").first.click()
    page.wait_for_url(re.compile(r"area="))
    assert page.locator('[data-kpi="stations"]').inner_text() == "2"
    page.get_by_role("link", name="橘子洲街道北片人大代表联络站").first.click()
    page.wait_for_url(re.compile(r"station=YL-001"))
    assert page.locator('[data-kpi="stations"]').inner_text() == "1"
    assert not errors, errors
    page.context.close()

    page, errors = signed_in_page(browser, live_server, "street")
    page.goto(f"{live_server.url}/dashboard/?year=2025")
    assert page.locator('[data-kpi="stations"]').inner_text() == "2"
    received = int(page.locator('[data-kpi="people_received"]').inner_text().replace(",", ""))
    assert 0 < received < 2379
    page.wait_for_selector("#chart-breakdown svg")
    page.screenshot(path=str(ARTIFACTS / "dashboard-street.png"), full_page=True)
    page.goto(f"{live_server.url}/dashboard/evaluation/?year=2025")
    assert page.locator("table tbody tr").count() >= 2
    assert not errors, errors
    page.context.close()
