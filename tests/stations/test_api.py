"""API conventions on the demo district: public reads, pagination, filters, tokens, errors, query counts."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LEVELS = {"provincial": 21, "city": 53, "county": 299, "township": 148, "national": 0}


def walk(client, url):
    """Follow ``next`` links; return every result and the number of pages."""
    results, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"next", "previous", "results"}
        results += body["results"]
        pages += 1
        url = body["next"]
    return results, pages


def test_anonymous_pages_through_exactly_41_stations(api):
    results, pages = walk(api, "/api/v1/stations/?page_size=10")
    assert pages == 5
    codes = [s["code"] for s in results]
    assert codes == [f"YL-{i:03d}" for i in range(1, 42)]
    assert "head" not in results[0] and "officer" not in results[0]


def test_public_station_fields_carry_no_personal_data(api):
    body = api.get("/api/v1/stations/YL-001/").json()
    assert body["code"] == "YL-001"
    assert set(body) == {
        "code",
        "name",
        "kind",
        "kind_display",
        "area_name",
        "street_name",
        "address",
        "latitude",
        "longitude",
        "opening_hours",
        "phone",
        "layout_picture",
    }


def test_anonymous_deputies_have_public_fields_only(api):
    body = api.get("/api/v1/deputies/?page_size=5").json()
    deputy = body["results"][0]
    assert "phone" not in deputy and "email" not in deputy and "ref" not in deputy
    assert deputy["levels"] and deputy["stations"]


@pytest.mark.parametrize("level,count", LEVELS.items())
def test_county_counts_deputies_by_level(login_api, demo_user, level, count):
    client = login_api(demo_user("county"))
    results, _ = walk(client, f"/api/v1/deputies/?level={level}&page_size=200")
    assert len(results) == count


def test_county_sees_all_521_deputies(login_api, demo_user):
    results, pages = walk(login_api(demo_user("county")), "/api/v1/deputies/?page_size=200")
    assert len(results) == 521 and pages == 3
    assert len({d["id"] for d in results}) == 521


def test_street_user_sees_only_first_street(login_api, demo_user):
    results, _ = walk(login_api(demo_user("street")), "/api/v1/stations/")
    assert {s["street_name"] for s in results} == {"橘子洲街道"}
    assert [s["code"] for s in results] == ["YL-001", "YL-002"]


def test_officer_sees_own_station_with_two_fixed_staff(login_api, demo_user):
    results, _ = walk(login_api(demo_user("officer")), "/api/v1/stations/")
    assert [s["code"] for s in results] == ["YL-001"]
    assert results[0]["officer"]["user_id"] == demo_user("officer").pk
    assert results[0]["head"] is not None
    assert login_api(demo_user("officer")).get("/api/v1/stations/YL-002/").status_code == 404


def test_deputy_sees_their_station_and_its_deputies(login_api, demo_user):
    client = login_api(demo_user("deputy"))
    stations, _ = walk(client, "/api/v1/stations/")
    assert [s["code"] for s in stations] == ["YL-001"]
    deputies, _ = walk(client, "/api/v1/deputies/")
    assert deputies and all("YL-001" in d["stations"] for d in deputies)


def test_token_login(api):
    response = api.post("/api/v1/auth/token/", {"username": "county", "password": "demo-pass-2026"})
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = api.get("/api/v1/deputies/?level=city&page_size=200").json()
    assert len(body["results"]) == 53


def test_wrong_password_is_400_with_message(api):
    response = api.post("/api/v1/auth/token/", {"username": "county", "password": "nope"})
    assert response.status_code == 400
    assert response.json()["non_field_errors"]


def test_bad_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.get("/api/v1/areas/").status_code == 401


def test_areas_need_login(api):
    assert api.get("/api/v1/areas/").status_code in (401, 403)


def test_areas_of_county(login_api, demo_user):
    results, _ = walk(login_api(demo_user("county")), "/api/v1/areas/?kind=street&page_size=200")
    townships, _ = walk(login_api(demo_user("county")), "/api/v1/areas/?kind=township")
    assert len(results) == 17 and len(townships) == 2


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/deputies/?level=mayor",
        "/api/v1/stations/?kind=castle",
        "/api/v1/stations/?area=999999",
        "/api/v1/stations/?is_active=maybe",
        "/api/v1/areas/?kind=planet",
    ],
)
def test_invalid_filter_is_400_with_field_message(login_api, demo_user, url):
    response = login_api(demo_user("county")).get(url)
    assert response.status_code == 400
    body = response.json()
    field = url.split("?")[1].split("=")[0]
    assert body.get(field)


def test_unknown_station_is_404(api):
    response = api.get("/api/v1/stations/YL-999/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_page_size_is_capped_at_200(login_api, demo_user):
    body = login_api(demo_user("county")).get("/api/v1/deputies/?page_size=1000").json()
    assert len(body["results"]) == 200


def test_station_filters(api):
    assert [s["code"] for s in api.get("/api/v1/stations/?q=金融中心").json()["results"]] == ["YL-009"]
    parks = api.get("/api/v1/stations/?kind=park").json()["results"]
    assert [s["kind"] for s in parks] == ["park"]


@pytest.mark.parametrize("page_size", [5, 50, 200])
def test_station_list_query_count_is_fixed(api, login_api, demo_user, django_assert_num_queries, page_size):
    with django_assert_num_queries(1):
        assert api.get(f"/api/v1/stations/?page_size={page_size}").status_code == 200
    county = login_api(demo_user("county"))
    # scope (the county's area path) + stations + current staff with users
    with django_assert_num_queries(3):
        assert county.get(f"/api/v1/stations/?page_size={page_size}").status_code == 200


@pytest.mark.parametrize("page_size", [5, 50, 200])
def test_deputy_list_query_count_is_fixed(api, login_api, demo_user, django_assert_num_queries, page_size):
    with django_assert_num_queries(3):  # deputies + mandates + current memberships with stations
        assert len(api.get(f"/api/v1/deputies/?page_size={page_size}").json()["results"]) == page_size
    county = login_api(demo_user("county"))
    with django_assert_num_queries(4):  # + the county's area path
        assert len(county.get(f"/api/v1/deputies/?page_size={page_size}&level=county").json()["results"]) == page_size


def test_openapi_schema_has_no_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    assert "/api/v1/stations/{code}/" in text and "/api/v1/auth/token/" in text


def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower()
