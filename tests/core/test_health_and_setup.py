"""Health probes, demo data, start-up configuration errors, pages and languages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from deputies.models import Deputy, Mandate
from stations.models import Area, Membership, Station, StationStaff

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_ok(client, settings):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"
    if settings.REDIS_URL:
        assert response.json()["checks"]["redis"] == "ok"


@pytest.mark.django_db
def test_readyz_503_when_redis_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["checks"]["redis"] != "ok"


@pytest.mark.django_db
def test_readyz_503_when_database_fails(client, monkeypatch):
    from core import health

    monkeypatch.setattr(health, "_check_database", lambda: "OperationalError")
    assert client.get("/readyz").status_code == 503


@pytest.mark.django_db
def test_demo_district_matches_the_seed():
    county = Area.objects.get(code="430104")
    assert county.name == "岳麓区"
    streets = Area.objects.filter(parent=county)
    assert streets.filter(kind="street").count() == 17 and streets.filter(kind="township").count() == 2
    assert Station.objects.filter(code__regex=r"^YL-0[0-4][0-9]$").count() == 41
    assert Station.objects.filter(street__isnull=True).count() == 0
    assert {s.kind for s in Station.objects.all()} >= {"area", "industry_chain", "park", "enterprise", "hamlet"}
    assert Deputy.objects.count() == 521
    assert Mandate.objects.count() == 521  # exactly one mandate each in the demo
    # Township deputies live only in the two towns' stations.
    township_streets = set(
        Membership.objects.filter(deputy__mandates__level="township").values_list("station__street__kind", flat=True)
    )
    assert township_streets == {"township"}
    # Two fixed: every station has one current head and one current officer.
    for role in ("head", "officer"):
        assert StationStaff.objects.current().filter(role=role).count() == 41
    # Coordinates inside the district.
    for station in Station.objects.all():
        assert 28.0 < float(station.latitude) < 28.3 and 112.6 < float(station.longitude) < 113.0


@pytest.mark.django_db
def test_demo_accounts_can_log_in(client):
    for username in ("admin", "county", "street", "officer", "deputy"):
        response = client.post("/accounts/login/", {"username": username, "password": "demo-pass-2026"})
        assert response.status_code == 302 and client.session["_auth_user_id"], username
        client.logout()
    assert User.objects.get(username="street").area.name == "橘子洲街道"
    assert StationStaff.objects.current().get(user__username="officer").station.code == "YL-001"
    assert Deputy.objects.get(user__username="deputy").memberships.filter(station__code="YL-001").exists()


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    models = [Area, Station, User, StationStaff, Deputy, Mandate, Membership]
    before = {m.__name__: m.objects.count() for m in models}
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert {m.__name__: m.objects.count() for m in models} == before


@pytest.mark.django_db
def test_seed_demo_scale_multiplies():
    call_command("seed_demo", "--scale", "2", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Station.objects.count() == 82
    assert Deputy.objects.count() == 1042
    assert Station.objects.filter(code="YL-082").exists()


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_seed_demo_rejects_bad_scale(value):
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_demo", "--scale", value)


def _manage(*args, env_extra):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "liaison.settings.local", **env_extra}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_seed_demo_bad_scale_exits_nonzero_with_one_line():
    result = _manage("seed_demo", "--scale", "0", env_extra={"DATABASE_URL": "sqlite:////tmp/liaison-bad-scale.db"})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == ["CommandError: --scale must be at least 1, got 0"]


@pytest.mark.parametrize("url", ["nonsense", "postgres://", "mysqlx://host/db"])
def test_malformed_database_url_is_one_clear_line(url):
    result = _manage("check", env_extra={"DATABASE_URL": url})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("DATABASE_URL"), result.stderr


@pytest.mark.django_db
def test_directory_and_station_page(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "橘子洲街道北片人大代表联络站" in page.text
    station = client.get("/stations/YL-001/")
    assert station.status_code == 200 and "YL-001" in station.text


@pytest.mark.django_db
def test_unknown_station_page_is_friendly_404(client):
    response = client.get("/stations/NOPE-1/")
    assert response.status_code == 404
    assert "返回所有联络站" in response.text
    in_english = client.get("/stations/NOPE-1/", HTTP_ACCEPT_LANGUAGE="en")
    assert in_english.status_code == 404 and "Back to all stations" in in_english.text


@pytest.mark.django_db
def test_language_switch_to_english(client):
    assert 'lang="zh-hans"' in client.get("/").text
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert 'lang="en"' in response.text
    assert "Deputy liaison stations" in response.text


@pytest.mark.django_db
def test_chinese_is_the_default_language(client):
    text = client.get("/").text
    assert "代表联络站" in text and "Search by name" not in text


@pytest.mark.django_db
def test_directory_junk_and_long_queries_are_harmless(client):
    assert client.get("/?street=abc&page=zz").status_code == 200
    assert client.get("/?q=" + "岳" * 5000).status_code == 200


@pytest.mark.django_db
def test_officer_signs_in_and_lands_on_the_desk(client):
    page = client.get("/desk/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200
    wrong = client.post("/accounts/login/", {"username": "officer", "password": "nope"})
    assert wrong.status_code == 200 and "alert" in wrong.text
    response = client.post("/accounts/login/", {"username": "officer", "password": "demo-pass-2026"}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/desk/")
    assert response.status_code == 200
