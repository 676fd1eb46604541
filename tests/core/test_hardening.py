"""No way around limits or lockouts; control characters refused at the edge; tokens expire and are revoked;
a dead cache takes no request down."""

import datetime

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

PASSWORD = "demo-pass-2026"
DEAD_REDIS = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


def _fail(client, url, username, times, **extra):
    for _ in range(times):
        client.post(url, {"username": username, "password": "wrong"}, **extra)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_five_wrong_passwords_lock_the_sign_in_page(client, url):
    _fail(client, url, "county", 5)
    response = client.post(url, {"username": "county", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录" in response.content.decode() and "_auth_user_id" not in client.session
    # another address is not locked out with it
    other = client.post(url, {"username": "county", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


def test_four_wrong_passwords_then_the_right_one_signs_in(client):
    _fail(client, "/accounts/login/", "county", 4)
    assert client.post("/accounts/login/", {"username": "county", "password": PASSWORD}).status_code == 302


def test_the_token_endpoint_locks_out_too(api):
    for _ in range(4):
        assert api.post("/api/v1/auth/token/", {"username": "officer", "password": "x"}).status_code == 400
    assert api.post("/api/v1/auth/token/", {"username": "officer", "password": "x"}).status_code == 429
    locked = api.post("/api/v1/auth/token/", {"username": "officer", "password": PASSWORD})
    assert locked.status_code == 429 and "detail" in locked.json() and "token" not in locked.json()


def test_a_spoofed_forwarded_for_does_not_reset_the_limit(api, settings):
    limit = settings.RATE_LIMITS["opinion-submit"]
    smallest = min(n for n, _ in limit.values())
    statuses = [
        api.post(
            "/api/v1/opinions/",
            {"station": "YL-001", "channel": "online", "content": f"路灯不亮 {i}"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        ).status_code
        for i in range(smallest + 3)
    ]
    assert statuses[:smallest] == [201] * smallest and set(statuses[smallest:]) == {429}


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(api, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    smallest = min(n for n, _ in settings.RATE_LIMITS["opinion-submit"].values())
    for i in range(smallest + 2):
        response = api.post(
            "/api/v1/opinions/",
            {"station": "YL-001", "channel": "online", "content": f"井盖松动 {i}"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        )
        assert response.status_code == 201


@pytest.mark.parametrize(
    "url",
    [
        "/opinions/new/?station=YL-001%00",
        "/subscribe/?station=%00",
        "/dashboard/?station=YL%00",
        "/api/v1/dashboard/summary/?year=2025&station=%00",
        "/stations/?q=%00",
    ],
)
def test_a_nul_byte_in_the_query_string_is_a_400(client, login_api, demo_user, url):
    client.force_login(demo_user("county"))
    response = client.get(url)
    assert response.status_code == 400


def test_a_nul_byte_in_json_or_a_form_is_a_400_and_saves_nothing(api, client):
    from visits.models import Opinion

    before = Opinion.objects.count()
    response = api.post(
        "/api/v1/opinions/",
        '{"station": "YL-001", "channel": "online", "content": "a\\u0000b"}',
        content_type="application/json",
    )
    assert response.status_code == 400 and "detail" in response.json()
    response = client.post("/opinions/new/?station=YL-001", {"content": "路灯\x00不亮", "station": "YL-001"})
    assert response.status_code == 400
    assert Opinion.objects.count() == before


def test_tokens_expire_and_can_be_revoked(api, settings, time_machine):
    token = api.post("/api/v1/auth/token/", {"username": "county", "password": PASSWORD}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/stations/").status_code == 200
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=settings.API_TOKEN_TTL_SECONDS + 60))
    expired = api.get("/api/v1/visits/")
    assert expired.status_code == 401
    api.credentials()
    fresh = api.post("/api/v1/auth/token/", {"username": "county", "password": PASSWORD}).json()["token"]
    assert fresh != token
    api.credentials(HTTP_AUTHORIZATION=f"Token {fresh}")
    assert api.get("/api/v1/visits/").status_code == 200
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert not Token.objects.filter(key=fresh).exists()
    assert api.get("/api/v1/visits/").status_code == 401


@pytest.fixture
def dead_cache():
    with override_settings(CACHES=DEAD_REDIS):
        yield caches["default"]


def test_with_the_cache_down_public_pages_are_served_from_the_database(client, dead_cache):
    for url in ["/", "/stations/YL-001/", "/opinions/new/?station=YL-001", "/subscribe/?station=YL-001"]:
        assert client.get(url).status_code == 200, url


def test_with_the_cache_down_a_staff_write_succeeds_once(login_api, demo_user, dead_cache):
    from visits.models import VisitLog

    officer = login_api(demo_user("officer"))
    before = VisitLog.objects.count()
    response = officer.post(
        "/api/v1/visits/",
        {"station": "YL-001", "date": timezone.localdate().isoformat(), "people_count": 2},
        format="json",
    )
    assert response.status_code == 201
    assert VisitLog.objects.count() == before + 1


def test_with_the_cache_down_anonymous_writes_are_refused_with_a_message(client, dead_cache):
    from visits.models import Opinion

    before = Opinion.objects.count()
    response = client.post("/opinions/new/?station=YL-001", {"station": "YL-001", "content": "路灯不亮"})
    assert response.status_code == 429
    assert Opinion.objects.count() == before
