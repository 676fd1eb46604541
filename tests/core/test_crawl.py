"""No page answers 500: every URL pattern of the project, with real ids and codes of the demo district, as an
anonymous visitor and as each demo account (``tests/core/crawl.py`` walks the resolver and fills the patterns).

A 5xx that belongs to code another engineer is changing right now is listed in ``OTHER_OWNERS`` and checked by
``test_known_5xx_of_other_owners``, an expected failure (strict: once fixed it passes, and the row must go).
"""

import pytest
from django.http import HttpResponse
from django.urls import path

from core.access import has_permission

from . import crawl

pytestmark = pytest.mark.django_db

# (role, "namespace:name") → who owns the fix, and what fails. Rows are removed when the owner's fix lands.
OTHER_OWNERS: dict[tuple[str, str], str] = {}


def _unexpected_5xx(results):
    return [r for r in results if r.status >= 500 and (r.role, r.key) not in OTHER_OWNERS]


def test_every_pattern_can_be_filled_with_real_ids_for_every_role(db):
    """A new URL pattern with parameters the crawl cannot fill fails here, naming the pattern."""
    User = crawl._model("accounts.User")
    unmapped = []
    for role in crawl.ROLES:
        user = None if role == "anonymous" else User.objects.get(username=role)
        for pattern in crawl.walk():
            try:
                for url in crawl.urls_for(pattern, user):
                    crawl.check_resolves_to(pattern, url)
            except crawl.UnmappedPattern as exc:
                unmapped.append(str(exc))
    assert not unmapped, "patterns the crawl cannot fill:\n" + "\n".join(sorted(set(unmapped)))


def test_every_mapping_row_names_a_pattern_that_exists():
    """A row for a URL that no longer exists is dead weight: drop it."""
    keys = {p.key for p in crawl.walk()}
    assert not set(crawl.PARAMS) - keys, sorted(set(crawl.PARAMS) - keys)
    assert not set(crawl.QUERIES) - keys, sorted(set(crawl.QUERIES) - keys)
    assert not {k for _role, k in OTHER_OWNERS} - keys, sorted({k for _role, k in OTHER_OWNERS} - keys)


def test_the_crawl_requests_every_pattern_as_every_role(crawl_results, record_property):
    record_property("crawl_seconds", round(crawl_results.seconds, 1))
    assert not crawl_results.unmapped, "patterns the crawl cannot fill:\n" + "\n".join(crawl_results.unmapped)
    routes = {p.route for p in crawl_results.patterns}
    assert len(routes) > 300  # the walk reaches the admin, the API router and every app
    for role in crawl.ROLES:
        seen = {r.route for r in crawl_results.for_role(role)}
        assert seen == routes, f"{role} never requested: {sorted(routes - seen)}"
    # the crawl reaches the pages themselves, not only refusals: most staff pages answer 200 for the county
    county_ok = {r.key for r in crawl_results.for_role("county") if r.status == 200}
    pages = {"reports:dashboard", "reports:evaluation_sheet", "desk:station", "desk:record-pdf", "api:opinion-detail"}
    assert pages <= county_ok, sorted(pages - county_ok)


@pytest.mark.parametrize("role", crawl.ROLES)
def test_no_page_answers_5xx(crawl_results, role):
    failures = _unexpected_5xx(crawl_results.for_role(role))
    assert not failures, f"{len(failures)} requests answered 5xx as {role}:\n" + "\n".join(map(str, failures))


@pytest.mark.parametrize(
    "role,key",
    [
        pytest.param(role, key, marks=pytest.mark.xfail(strict=True, reason=reason))
        for (role, key), reason in sorted(OTHER_OWNERS.items())
    ],
)
def test_known_5xx_of_other_owners(crawl_results, role, key):
    failing = [r for r in crawl_results.for_role(role) if r.key == key and r.status >= 500]
    assert not failing, "\n".join(map(str, failing))


def test_the_admin_answers_every_role_without_an_error(crawl_results):
    """Anonymous visitors are sent to the admin's login page (which answers 200); a role that may not open the
    admin is refused or sent to the login page; a role that may opens it."""
    User = crawl._model("accounts.User")
    for role in crawl.ROLES:
        by_url = {r.url: r for r in crawl_results.for_role(role) if r.method == "GET"}
        index, login = by_url["/admin/"], by_url["/admin/login/"]
        if role == "anonymous":
            assert index.status == 302 and index.location.startswith("/admin/login/"), index
            assert login.status == 200, login
            continue
        user = User.objects.get(username=role)
        if user.is_staff and has_permission(user, "admin.view"):
            assert index.status == 200, index
            assert login.status == 302, login  # already signed in: on to the index
        else:
            assert index.status in (302, 403), index
            if index.status == 302:
                assert index.location.startswith("/admin/login/"), index
            assert login.status in (200, 302), login


def test_every_request_pins_the_language(crawl_results):
    pages = [r for r in crawl_results.for_role("county") if r.status == 200 and r.key == "reports:dashboard"]
    assert pages and all(r.kind == "html" and b'<html lang="zh-hans"' in r.body for r in pages)


# --- the crawl can fail ---------------------------------------------------------------------------------------


def _broken(request):
    raise RuntimeError("boom")


def _fine(request, **kwargs):
    return HttpResponse("ok")


urlpatterns = [
    path("broken/", _broken, name="broken"),
    path("fine/<str:code>/", _fine, name="fine"),
    path("unmapped/<int:widget>/", _fine, name="unmapped"),
]


@pytest.mark.urls(__name__)
def test_the_crawl_reports_a_500_and_an_unmapped_pattern(db, monkeypatch):
    monkeypatch.setitem(crawl.PARAMS, ":fine", crawl.station_code)
    patterns = {p.key: p for p in crawl.walk()}
    assert set(patterns) == {":broken", ":fine", ":unmapped"}
    result = crawl.run_crawl(roles=["anonymous"])
    assert len(result.unmapped) == 1 and "unmapped/<int:widget>/" in result.unmapped[0]
    assert "/unmapped/" not in {r.route for r in result.results}
    monkeypatch.setitem(crawl.PARAMS, ":unmapped", lambda user, pattern: [{"widget": "7"}])
    result = crawl.run_crawl(roles=["anonymous", "county"])
    failures = _unexpected_5xx(result.results)
    assert {(r.role, r.url, r.method) for r in failures} == {
        ("anonymous", "/broken/", "GET"),
        ("anonymous", "/broken/", "HEAD"),
        ("county", "/broken/", "GET"),
    }
    assert all("RuntimeError: boom" in r.error for r in failures)
    assert {r.url for r in result.results if r.status == 200} == {"/fine/YL-001/", "/unmapped/7/"}
