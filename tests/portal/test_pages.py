"""Public portal pages on the demo district (Django test client): directory, station page, query count, cache and
conditional requests, languages, large text, bad input, 404, sitemap/robots, and no personal data anywhere."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from deputies.models import Deputy, Mandate
from stations.models import Area, Membership, ReceptionDay, Station
from tests.deputies.factories import DeputyFactory, MandateFactory
from tests.stations.factories import MembershipFactory, StationFactory

pytestmark = pytest.mark.django_db

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def html(response) -> str:
    return response.content.decode()


def next_28th(today=None) -> datetime.date:
    today = today or timezone.localdate()
    this = today.replace(day=28)
    return this if this >= today else (this + datetime.timedelta(days=7)).replace(day=28)


# --- directory --------------------------------------------------------------------------------------------------


def test_directory_lists_every_active_station_with_its_next_reception_day(client):
    response = client.get("/")
    assert response.status_code == 200
    body = html(response)
    assert body.count('class="station-card"') == 41
    for code in ("YL-001", "YL-041"):
        assert reverse("portal:detail", args=[code]) in body
    day = next_28th()
    assert f'datetime="{day:%Y-%m-%d}"' in body
    assert 'id="station-points"' in body and "echarts.min.js" in body


def test_directory_search_by_street_name_and_filters(client):
    body = html(client.get("/", {"q": "橘子洲"}))
    assert re.findall(r'data-code="(YL-\d+)"', body) == ["YL-001", "YL-002"]

    street = Area.objects.get(name="麓谷街道")
    body = html(client.get("/", {"street": street.pk}))
    codes = set(re.findall(r'data-code="(YL-\d+)"', body))
    assert codes == set(Station.objects.filter(street=street).values_list("code", flat=True)) and len(codes) == 3

    body = html(client.get("/", {"kind": "park"}))
    assert re.findall(r'data-code="(YL-\d+)"', body) == ["YL-022"]

    by_address = Station.objects.get(code="YL-010").address
    body = html(client.get("/", {"q": by_address}))
    assert re.findall(r'data-code="(YL-\d+)"', body) == ["YL-010"]


def test_directory_without_a_match_says_so(client):
    body = html(client.get("/", {"q": "没有这个地方"}))
    assert 'class="station-card"' not in body
    assert "No station matches your search." in html(client.get("/", {"q": "没有这个地方"}, HTTP_ACCEPT_LANGUAGE="en"))


@pytest.mark.parametrize(
    "params",
    [
        {"street": "abc"},
        {"street": "99999999999999999999"},
        {"kind": "<script>alert(1)</script>"},
        {"page": "-1"},
        {"page": "9999"},
        {"page": "x" * 50},
        {"q": "'; DROP TABLE stations_station; --"},
        {"q": "%", "street": "", "kind": ""},
        {"utm_source": "x", "q[]": "1"},
    ],
)
def test_directory_ignores_junk_in_the_query_string(client, params):
    response = client.get("/", params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html(response)


def test_control_characters_in_the_query_string_are_refused_with_a_400(client):
    response = client.get("/", {"q": "\x00\x01岳麓\x7f"})
    assert response.status_code == 400
    assert "不允许" in html(response)


def test_directory_cuts_very_long_search_text(client):
    response = client.get("/", {"q": "岳" * 5000})
    assert response.status_code == 200
    assert f'value="{"岳" * 100}"' in html(response)


# --- station page -----------------------------------------------------------------------------------------------


def test_station_page_shows_every_section(client):
    body = html(client.get("/stations/YL-001/"))
    station = Station.objects.get(code="YL-001")
    assert station.name in body and station.address in body and station.phone in body
    for heading in ("next-day-heading", "about-heading", "deputies-heading", "plan-heading", "recent-heading"):
        assert f'id="{heading}"' in body
    resident = Deputy.objects.filter(memberships__in=Membership.objects.current().filter(station=station))
    assert resident.exists()
    for deputy in resident:
        assert deputy.name in body
    day = next_28th()
    assert f'<time datetime="{day:%Y-%m-%d}">' in body.split('id="next-day-heading"')[1]


def test_station_page_makes_at_most_three_queries_uncached(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/stations/YL-001/")
    assert response.status_code == 200


def test_station_page_queries_do_not_grow_with_its_content(client, django_assert_max_num_queries):
    """Ten more deputies with two mandates each, more duty deputies and a full plan: still three queries."""
    from activities.models import Activity, ActivityPlan, ActivityPlanItem

    station = Station.objects.get(code="YL-002")
    today = timezone.localdate()
    deputies = []
    for i in range(10):
        deputy = MembershipFactory(station=station).deputy
        MandateFactory(deputy=deputy, level="city")
        MandateFactory(deputy=deputy, level="county", term_start=datetime.date(2021, 12, 28 - i))
        deputies.append(deputy)
    day = ReceptionDay.objects.filter(station=station, date__gte=today).order_by("date").first()
    day.duty_deputies.add(*deputies)
    for i in range(8):
        Activity.objects.create(
            station=station, kind="research", date=today - datetime.timedelta(days=i), title=f"调研{i}"
        )
    plan = ActivityPlan.objects.update_or_create(
        station=station, year=today.year, defaults={"title": "年度计划", "published_at": timezone.now()}
    )[0]
    for month in range(1, 13):
        ActivityPlanItem.objects.create(plan=plan, month=month, kind="publicity", title=f"宣讲{month}")
    cache.clear()
    with django_assert_max_num_queries(3):
        body = html(client.get("/stations/YL-002/"))
    for deputy in deputies:
        assert deputy.name in body
    assert "宣讲12" in body and "调研0" in body and "调研4" in body and "调研7" not in body  # five most recent


def test_moved_and_cancelled_days_show_their_reason(client):
    station = StationFactory()
    today = timezone.localdate()
    first = today + datetime.timedelta(days=2)
    ReceptionDay.objects.create(
        station=station,
        scheduled_date=first,
        date=first,
        status=ReceptionDay.Status.CANCELLED,
        change_reason="场地维修，本月接待暂停",
    )
    later = today + datetime.timedelta(days=33)
    moved = ReceptionDay.objects.create(
        station=station,
        scheduled_date=later,
        date=later - datetime.timedelta(days=1),
        original_date=later,
        status=ReceptionDay.Status.MOVED,
        change_reason="节假日调整",
        notice_published_at=timezone.now(),
    )
    deputy = MembershipFactory(station=station).deputy
    moved.duty_deputies.add(deputy)
    body = html(client.get(f"/stations/{station.code}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "This reception day is cancelled." in body and "场地维修，本月接待暂停" in body
    assert "The reception day after it" in body and "节假日调整" in body and "Moved from" in body
    assert deputy.name in body.split('class="duty-list"')[1]


def test_station_without_data_still_renders(client):
    station = StationFactory()
    body = html(client.get(f"/stations/{station.code}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "has not been scheduled yet" in body and "No deputy is resident here yet." in body


def test_station_page_links_the_forms_calendar_and_qr(client):
    from surveys.models import Survey

    today = timezone.localdate()
    window = {"opens_on": today - datetime.timedelta(days=1), "closes_on": today + datetime.timedelta(days=10)}
    survey = Survey.objects.update_or_create(
        station=Station.objects.get(code="YL-001"), year=today.year, defaults=window
    )[0]
    Survey.objects.filter(station__code="YL-002").update(
        opens_on=today + datetime.timedelta(days=30), closes_on=today + datetime.timedelta(days=40)
    )
    body = html(client.get("/stations/YL-001/"))
    by_kind = {kind: url for url, kind in re.findall(r'href="([^"]+)" data-link="(\w+)"', body)}
    assert by_kind == {
        "opinion": reverse("portal:opinion_new") + "?station=YL-001",
        "track": reverse("portal:track_lookup"),
        "calendar": reverse("portal:calendar", args=["YL-001"]),
        "subscribe": reverse("portal:subscribe") + "?station=YL-001",
        "qr": reverse("portal:station_qr", args=["YL-001"]),
        "poster": reverse("portal:poster", args=["YL-001"]),
        "activities": reverse("portal:station-activities", args=["YL-001"]),
        "survey": reverse("portal:survey-respond", args=[survey.token]),
    }
    for url in by_kind.values():
        assert client.get(url).status_code == 200, url
    assert 'data-link="survey"' not in html(client.get("/stations/YL-002/"))  # no open survey there


# --- caching and conditional requests -----------------------------------------------------------------------------


def test_cached_station_page_costs_no_query_and_answers_304(client, django_assert_num_queries):
    first = client.get("/stations/YL-003/")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag and last_modified and "no-cache" in first["Cache-Control"]
    with django_assert_num_queries(0):
        again = client.get("/stations/YL-003/")
    assert again.status_code == 200 and again.content == first.content and again["ETag"] == etag
    with django_assert_num_queries(0):
        assert client.get("/stations/YL-003/", HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert client.get("/stations/YL-003/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    head = client.head("/stations/YL-003/")
    assert head.status_code == 200 and head["ETag"] == etag and not head.content
    directory = client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/", HTTP_IF_NONE_MATCH=directory["ETag"]).status_code == 304
    # another language is another page
    english = client.get("/stations/YL-003/", HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=etag)
    assert english.status_code == 200 and english["ETag"] != etag


def test_writes_invalidate_the_cached_pages_on_commit(client, django_capture_on_commit_callbacks):
    """A write bumps the versions when its transaction commits; until then the cached page stays."""
    station = Station.objects.get(code="YL-004")
    etag = client.get("/stations/YL-004/")["ETag"]

    deputy = DeputyFactory(name="新驻站代表甲")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        Membership.objects.create(deputy=deputy, station=station, since=datetime.date(2024, 1, 1))
    assert client.get("/stations/YL-004/", HTTP_IF_NONE_MATCH=etag).status_code == 304  # not committed yet
    for callback in pending:
        callback()
    after = client.get("/stations/YL-004/", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and "新驻站代表甲" in html(after)

    with django_capture_on_commit_callbacks(execute=True):
        Mandate.objects.create(deputy=deputy, level="provincial", term_start=datetime.date(2023, 1, 13))
    assert "省" in html(client.get("/stations/YL-004/")).split("新驻站代表甲")[1][:200]

    day = ReceptionDay.objects.filter(station=station, date__gte=timezone.localdate()).order_by("date").first()
    day.status, day.change_reason = ReceptionDay.Status.CANCELLED, "临时停电"
    directory = client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        day.save()
    assert "临时停电" in html(client.get("/stations/YL-004/"))
    assert client.get("/", HTTP_IF_NONE_MATCH=directory["ETag"]).status_code == 200  # next days changed

    directory = client.get("/")
    station.name = "改名后的联络站"
    with django_capture_on_commit_callbacks(execute=True):
        station.save()
    assert "改名后的联络站" in html(client.get("/", HTTP_IF_NONE_MATCH=directory["ETag"]))


def test_activity_and_visit_writes_invalidate_the_station_page(client, django_capture_on_commit_callbacks):
    from activities.models import Activity
    from visits.models import VisitLog

    station = Station.objects.get(code="YL-005")
    today = timezone.localdate()

    def people_received():
        body = html(client.get("/stations/YL-005/", HTTP_ACCEPT_LANGUAGE="en"))
        return int(re.search(r"People received</dt><dd>(\d+)", body).group(1))

    before = people_received()
    with django_capture_on_commit_callbacks(execute=True):
        Activity.objects.create(station=station, kind="publicity", date=today, title="新活动宣讲")
    assert "新活动宣讲" in html(client.get("/stations/YL-005/"))
    with django_capture_on_commit_callbacks(execute=True):
        VisitLog.objects.create(station=station, date=today, people_count=7)
    assert people_received() == before + 7


def test_a_write_costs_no_extra_query_inside_its_transaction():
    """Invalidation looks stations up after the commit, so other parts' pinned query counts are untouched."""
    from django.db import connection
    from django.db.models.signals import post_save
    from django.test.utils import CaptureQueriesContext

    from portal import cache as page_cache
    from visits.models import VisitLog

    station = Station.objects.get(code="YL-006")

    def queries_of_a_write():
        with CaptureQueriesContext(connection) as captured:
            VisitLog.objects.create(station=station, date=timezone.localdate(), people_count=2)
        return len(captured)

    with_receivers = queries_of_a_write()
    assert post_save.disconnect(sender=VisitLog, dispatch_uid="portal-cache-visits.VisitLog-True")
    try:
        without = queries_of_a_write()
    finally:
        page_cache.connect_signals()
    assert with_receivers == without


def test_signed_in_pages_are_not_cached(client, demo_user):
    client.force_login(demo_user("officer"))
    response = client.get("/stations/YL-001/")
    assert "private" in response["Cache-Control"] and "ETag" not in response
    assert reverse("desk:home") in html(response)
    client.logout()
    assert "private" not in client.get("/stations/YL-001/")["Cache-Control"]


# --- languages, large text, 404 -------------------------------------------------------------------------------------


def test_chinese_by_default_english_by_switch(client):
    body = html(client.get("/"))
    assert '<html lang="zh-hans"' in body and 'lang="en">English</button>' in body
    response = client.post(reverse("portal:preferences"), {"language": "en", "next": "/stations/YL-001/"})
    assert response.status_code == 303 and response["Location"] == "/stations/YL-001/"
    body = html(client.get("/stations/YL-001/"))
    assert '<html lang="en"' in body and "Next reception day" in body and 'lang="zh-hans">中文</button>' in body


def test_preferences_refuse_foreign_redirects_and_unknown_values(client):
    response = client.post(reverse("portal:preferences"), {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 303 and response["Location"] == "/"
    assert "django_language" not in response.cookies
    assert client.get(reverse("portal:preferences")).status_code == 405


def test_large_text_mode_is_remembered_in_a_cookie(client):
    assert 'class="text-large"' not in html(client.get("/"))
    response = client.post(reverse("portal:preferences"), {"text_size": "large", "next": "/"})
    assert response.cookies["portal_text"].value == "large"
    assert response.cookies["portal_text"]["max-age"] == 365 * 24 * 3600
    body = html(client.get("/"))
    assert '<html lang="zh-hans" dir="ltr" class="text-large">' in body and 'aria-pressed="true"' in body
    client.post(reverse("portal:preferences"), {"text_size": "normal", "next": "/"})
    assert 'class="text-large"' not in html(client.get("/"))


@pytest.mark.parametrize("code", ["YL-999", "NOPE", "a" * 300, "YL-001'--", "%E4%B8%AD"])
def test_unknown_station_is_a_friendly_404_in_the_users_language(client, code):
    response = client.get(f"/stations/{code}/")
    assert response.status_code == 404
    assert '<html lang="zh-hans"' in html(response) and 'role="search"' in html(response)
    english = client.get(f"/stations/{code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404 and "Page not found" in html(english)


def test_lower_case_code_redirects(client):
    response = client.get("/stations/yl-001/")
    assert response.status_code == 301 and response["Location"] == "/stations/YL-001/"


def test_inactive_station_is_not_public(client):
    station = StationFactory(is_active=False)
    assert client.get(f"/stations/{station.code}/").status_code == 404
    assert station.name not in html(client.get("/"))


# --- SEO --------------------------------------------------------------------------------------------------------


def test_titles_and_descriptions_per_page(client):
    station = Station.objects.get(code="YL-001")
    body = html(client.get("/stations/YL-001/"))
    assert f"<title>{station.name} · " in body
    description = re.search(r'<meta name="description" content="([^"]+)"', body).group(1)
    assert station.name in description and station.address in description
    home = re.search(r'<meta name="description" content="([^"]+)"', html(client.get("/"))).group(1)
    assert home != description and "41" in home


def test_sitemap_and_robots(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    body = html(response)
    assert body.count("<url>") == 42 and "http://testserver/stations/YL-041/" in body
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and robots["Content-Type"].startswith("text/plain")
    text = html(robots)
    assert "Disallow: /admin/" in text and "Sitemap: http://testserver/sitemap.xml" in text


# --- no personal data ---------------------------------------------------------------------------------------------


def public_urls():
    from surveys.models import Survey
    from visits.models import Opinion

    opinion = Opinion.objects.exclude(citizen_phone="").order_by("pk").first()
    urls = ["/", "/?q=岳麓", "/sitemap.xml", "/robots.txt", "/stations/YL-999/"]
    urls += [f"/stations/{code}/" for code in Station.objects.values_list("code", flat=True)]
    urls += [reverse("portal:opinion_new") + "?station=YL-001", reverse("portal:track_lookup")]
    urls += [reverse("portal:poster", args=["YL-001"]), reverse("portal:station_qr", args=["YL-001"])]
    urls += [reverse("portal:subscribe") + "?station=YL-001", reverse("portal:calendar", args=["YL-001"])]
    urls += [reverse("portal:station-activities", args=["YL-001"])]
    survey = Survey.objects.order_by("pk").first()
    if survey is not None:
        urls.append(reverse("portal:survey-respond", args=[survey.token]))
    if opinion is not None:
        urls.append(reverse("portal:track", args=[opinion.tracking_code]))
    return urls


def test_public_pages_show_no_phone_or_id_numbers(client):
    """Demo deputies have private mobile numbers and demo visitors and citizens phones; none may show."""
    from visits.models import Opinion, VisitLog

    assert Deputy.objects.exclude(phone="").exists()
    assert VisitLog.objects.exclude(visitor_phone="").exists() or Opinion.objects.exclude(citizen_phone="").exists()
    deputy = DeputyFactory(phone="13912345678", public_contact="联络站转达")
    MembershipFactory(deputy=deputy, station=Station.objects.get(code="YL-001"))
    for lang in ("zh-hans", "en"):
        for url in public_urls():
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
            assert response.status_code in (200, 404), url
            body = html(response)
            assert not MOBILE.search(body), (url, MOBILE.search(body).group())
            assert not ID_NUMBER.search(body), (url, ID_NUMBER.search(body).group())
            if response["Content-Type"].startswith("text/html"):  # every public page speaks the chosen language
                assert f'<html lang="{lang}"' in body, url


def test_static_assets_have_hashed_names_and_are_served_by_whitenoise(client, settings, tmp_path):
    """Under the production storage (manifest, as base settings configure with WhiteNoise) the pages link hashed
    file names, which WhiteNoise serves with a far-future cache lifetime. No CDN: every asset is local."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]  # our files only
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    body = html(client.get("/"))
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', body)
    assert {a.rsplit("/", 1)[-1].split(".")[0] for a in assets} >= {"portal", "directory", "echarts", "bootstrap"}
    for asset in assets:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js|svg)$", asset), asset
    assert not re.search(r'src="(?:https?:)?//|rel="(?:stylesheet|icon)" href="(?:https?:)?//', body)  # no CDN
    css = next(a for a in assets if "/css/portal." in a)
    served = client.get(css)
    assert served.status_code == 200 and "max-age=315360000" in served["Cache-Control"]
