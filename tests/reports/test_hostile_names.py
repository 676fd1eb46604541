"""Hostile names in a real browser: a station, its street, a deputy and responsible units named like markup.

Each page (and the dashboard's and the directory's chart tooltips, shown through ECharts' showTip) must show
the names as text: no dialog opens, no <img src=x> or injected <script> reaches the DOM, and the page's own
scripts run under the Content-Security-Policy without a single violation in the console.
"""

import pytest
from django.core.management import call_command
from django.test import Client

from tests.browser import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = '"><script>alert(2)</script>'


def rename_everything():
    from deputies.models import Deputy
    from stations.models import Station
    from visits.models import Opinion, ResponsibleUnit

    station = Station.objects.get(code="YL-001")
    station.name = IMG
    station.save()
    street = station.street
    street.name = SCRIPT
    street.save()
    deputy = Deputy.objects.filter(memberships__station=station).first()
    deputy.name = IMG
    deputy.save()
    other = Deputy.objects.filter(memberships__station=station).exclude(pk=deputy.pk).first()
    if other:
        other.name = SCRIPT
        other.save()
    units = list(ResponsibleUnit.objects.filter(pk__in=Opinion.objects.filter(unit__isnull=False).values("unit")))
    assert units, "the demo data assigns opinions to units"
    units[0].name = IMG
    units[0].save()
    if len(units) > 1:
        units[1].name = SCRIPT
        units[1].save()


class Watch:
    """A page with listeners for dialogs, page errors and CSP violations."""

    def __init__(self, browser, live_server, username=None):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        if username:
            from django.contrib.auth import get_user_model

            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}
            self.context.add_cookies([cookie])
        self.page = self.context.new_page()
        self.live_server = live_server
        self.dialogs, self.errors, self.violations = [], [], []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", self._console)
        # Where a violation comes from (file, line, sample), for a readable failure.
        self.page.add_init_script(
            """document.addEventListener("securitypolicyviolation", (e) => {
              console.error("Content Security Policy: " + e.violatedDirective + " at " + e.sourceFile + ":" +
                e.lineNumber + ":" + e.columnNumber + " sample " + JSON.stringify(e.sample));
            });"""
        )

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message):
        if message.text.startswith("Content Security Policy: "):
            self.violations.append(message.text)

    def visit(self, path):
        response = self.page.goto(f"{self.live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_load_state("load")
        return self.page

    def show_tooltips(self, selector):
        """Show every data point's tooltip of each ECharts chart under ``selector``; return their texts."""
        return self.page.evaluate(
            """(selector) => {
              const texts = [];
              document.querySelectorAll(selector).forEach((el) => {
                const chart = window.echarts && window.echarts.getInstanceByDom(el);
                if (!chart) return;
                const option = chart.getOption();
                (option.series || []).forEach((series, s) => {
                  (series.data || []).forEach((_, i) => {
                    chart.dispatchAction({ type: "showTip", seriesIndex: s, dataIndex: i });
                    texts.push(Array.from(el.children).slice(1).map((c) => c.textContent).join(" "));
                  });
                });
                chart.dispatchAction({ type: "hideTip" });
              });
              return texts;
            }""",
            selector,
        )

    def assert_clean(self, where):
        page = self.page
        assert page.locator('img[src="x"]').count() == 0, f"{where}: the <img> payload became an element"
        injected = page.evaluate(
            "() => Array.from(document.scripts).filter((s) => !s.src && s.type !== 'application/json').length"
        )
        assert injected == 0, f"{where}: an inline script reached the DOM"
        assert not self.dialogs, (where, self.dialogs)
        assert not self.violations, (where, self.violations)
        assert not self.errors, (where, self.errors)

    def close(self):
        self.context.close()


def test_hostile_names_stay_text_everywhere(live_server, browser):
    call_command("seed_demo", verbosity=0)  # live_server flushed the session's demo data
    rename_everything()

    # The county dashboard: charts drawn, every tooltip shown (map, breakdown by street, pies, bars).
    watch = Watch(browser, live_server, "county")
    page = watch.visit("/dashboard/?year=2025")
    page.wait_for_selector("#chart-map svg")
    page.wait_for_selector("#chart-breakdown svg")
    page.hover("#chart-map svg")
    page.hover("#chart-breakdown svg")
    tips = watch.show_tooltips("#chart-map, #chart-breakdown, #chart-levels, #chart-trend, #chart-funnel")
    assert any(IMG in t for t in tips), tips[:5]  # the station's name, shown as text in the map tooltip
    assert any(SCRIPT in t for t in tips), tips[:5]  # the street's name, in the breakdown tooltip
    page.screenshot(path=str(ARTIFACTS / "hostile-dashboard.png"), full_page=True)
    watch.assert_clean("/dashboard/")
    page = watch.visit("/dashboard/?year=2025&station=YL-001")
    watch.show_tooltips("#chart-map, #chart-breakdown")
    watch.assert_clean("/dashboard/?station=YL-001")
    for path in ["/desk/opinions/", "/desk/suggestions/"]:
        page = watch.visit(path)
        watch.assert_clean(path)
    watch.close()

    # The station's desk, as its officer.
    watch = Watch(browser, live_server, "officer")
    page = watch.visit("/desk/YL-001/")
    assert IMG in page.inner_text("main")
    watch.assert_clean("/desk/YL-001/")
    page = watch.visit("/desk/opinions/")
    watch.assert_clean("/desk/opinions/ (officer)")
    watch.close()

    # The public pages: the station, the directory (its map's tooltips) and the opinion form.
    watch = Watch(browser, live_server)
    page = watch.visit("/stations/YL-001/")
    text = page.inner_text("main")
    assert IMG in text
    watch.assert_clean("/stations/YL-001/")
    page = watch.visit("/")
    page.wait_for_timeout(300)
    page.wait_for_selector("#station-map canvas")  # the directory's map (ECharts, canvas renderer)
    tips = watch.show_tooltips("#station-map")
    assert any(IMG in t for t in tips), tips[:5]
    watch.assert_clean("/")
    page = watch.visit("/opinions/new/?station=YL-001")
    watch.assert_clean("/opinions/new/")
    page = watch.visit("/stations/YL-001/poster/")
    watch.assert_clean("poster")
    watch.close()


def test_admin_and_api_docs_run_under_the_policy(live_server, browser):
    """The admin (same policy as every page) and Swagger UI (style-src widened, scripts 'self') still work."""
    call_command("seed_demo", verbosity=0)
    watch = Watch(browser, live_server, "admin")
    page = watch.visit("/admin/stations/station/")
    assert page.locator("#result_list").count() == 1
    watch.assert_clean("/admin/stations/station/")
    page = watch.visit("/admin/stations/station/add/")
    watch.assert_clean("/admin/stations/station/add/")
    # django-celery-beat's form: its inline script replaced by templates/admin/djcelery/ + a static file.
    page = watch.visit("/admin/django_celery_beat/periodictask/add/")
    assert not page.locator(".field-crontab_translation").first.is_visible()
    watch.assert_clean("/admin/django_celery_beat/periodictask/add/")
    page = watch.visit("/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)  # Swagger UI rendered from its own files
    watch.assert_clean("/api/docs/")
    watch.close()
