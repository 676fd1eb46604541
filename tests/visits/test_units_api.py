"""``responsible-units/``: the units of the user's county(ies), staff only, with ``q``, ``kind`` and ``active``;
and assigning and reassigning an opinion through ``opinions/{id}/transition/`` with a unit's name or id."""

import pytest

from accounts.models import Role
from stations.models import Area
from tests.accounts.factories import UserFactory
from tests.stations.factories import AreaFactory, StationFactory, StreetFactory
from visits.models import Opinion, ResponsibleUnit

pytestmark = pytest.mark.django_db

URL = "/api/v1/responsible-units/"


def results(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None
    return body["results"]


@pytest.fixture
def county(login_api, demo_user):
    return login_api(demo_user("county"))


@pytest.fixture
def yuelu(demo_user):
    return Area.objects.get(pk=demo_user("county").area_id)


def test_staff_list_the_units_of_their_county_with_id_name_and_county(county, yuelu, login_api, demo_user):
    units = results(county.get(f"{URL}?page_size=200"))
    assert len(units) == ResponsibleUnit.objects.filter(is_active=True).count() == 46
    assert {"id", "name", "county"} <= set(units[0])
    assert {u["county"] for u in units} == {yuelu.pk}  # departments (no area) take the county of the scope
    office = ResponsibleUnit.objects.filter(kind="street_office").first()
    assert next(u for u in units if u["id"] == office.pk)["county"] == yuelu.pk
    for username in ("street", "officer", "head-yl001", "admin"):
        seen = results(login_api(demo_user(username)).get(f"{URL}?page_size=200"))
        assert len(seen) == 46 and {u["county"] for u in seen} == {yuelu.pk}, username


def test_filters_q_kind_and_active(county):
    found = results(county.get(f"{URL}?q=城市管理"))
    assert [u["name"] for u in found] == ["区城市管理和综合执法局"]
    offices = results(county.get(f"{URL}?kind=street_office&page_size=200"))
    assert len(offices) == 19 and all(u["kind"] == "street_office" for u in offices)
    assert results(county.get(f"{URL}?q=街道&kind=department")) == []
    assert county.get(f"{URL}?kind=nonsense").status_code == 400
    assert county.get(f"{URL}?active=maybe").status_code == 400

    retired = ResponsibleUnit.objects.get(name="区城市管理和综合执法局")
    retired.is_active = False
    retired.save()
    assert results(county.get(f"{URL}?q=城市管理")) == []  # active units only by default
    inactive = results(county.get(f"{URL}?active=false"))
    assert [u["name"] for u in inactive] == [retired.name] and inactive[0]["is_active"] is False


def test_units_of_another_county_are_not_listed(county, login_api, demo_user, yuelu):
    other = AreaFactory(code="UA0", name="另一县")
    street = StreetFactory(code="UA1", name="另一街道", parent=other)
    unit = ResponsibleUnit.objects.create(name="另一街道办事处", kind="street_office", area=street)
    assert unit.pk not in {u["id"] for u in results(county.get(f"{URL}?page_size=200"))}
    assert county.get(f"{URL}{unit.pk}/").status_code == 404

    staff = login_api(UserFactory(username="ua-county", role=Role.COUNTY, area=other))
    theirs = results(staff.get(f"{URL}?page_size=200"))
    ids = {u["id"]: u["county"] for u in theirs}
    assert ids[unit.pk] == other.pk
    yuelu_offices = set(ResponsibleUnit.objects.filter(area__path__startswith=yuelu.path).values_list("pk", flat=True))
    assert yuelu_offices and not yuelu_offices & set(ids)  # Yuelu's street offices are not theirs
    assert set(ids.values()) == {other.pk}  # the county departments without an area: this user's county

    admin = results(login_api(demo_user("admin")).get(f"{URL}?page_size=200"))
    by_id = {u["id"]: u["county"] for u in admin}
    assert by_id[unit.pk] == other.pk
    office = ResponsibleUnit.objects.filter(area__path__startswith=yuelu.path).first()
    assert by_id[office.pk] == yuelu.pk
    assert None in set(by_id.values())  # a department without an area: two counties now, none is "the" county


def test_anonymous_and_deputies_are_refused_and_nothing_is_written(api, login_api, demo_user, county):
    assert api.get(URL).status_code == 401
    assert login_api(demo_user("deputy")).get(URL).status_code == 403
    assert county.post(URL, {"name": "新单位"}, format="json").status_code == 405
    unit = ResponsibleUnit.objects.first()
    assert county.patch(f"{URL}{unit.pk}/", {"name": "改名"}, format="json").status_code == 405


def test_the_schema_documents_the_endpoint(api):
    import yaml

    schema = yaml.safe_load(api.get("/api/schema/").content)
    assert "/api/v1/responsible-units/" in schema["paths"]
    operation = schema["paths"]["/api/v1/responsible-units/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "kind", "active"}
    assert "" not in {next(iter(s), "") for s in operation.get("security", [])}  # sign-in required


# ---------------------------------------------------------------------------------------------------------
# Assign and reassign through the API with a unit's name or id


def transition(client, pk, action, **params):
    return client.post(f"/api/v1/opinions/{pk}/transition/", {"action": action, **params}, format="json")


@pytest.fixture
def street(login_api, demo_user):
    return login_api(demo_user("street"))


def registered_opinion(client):
    body = {"station": "YL-001", "channel": "phone", "content": "单位接口测试：井盖缺失"}
    pk = client.post("/api/v1/opinions/", body, format="json").json()["id"]
    assert transition(client, pk, "register").json()["status"] == "registered"
    return pk


@pytest.mark.parametrize("by", ["name", "id"])
def test_assign_and_reassign_with_the_units_name_or_id(street, by):
    first, second = ResponsibleUnit.objects.filter(is_active=True).order_by("pk")[:2]
    ref = (lambda u: u.name) if by == "name" else (lambda u: u.pk)
    pk = registered_opinion(street)
    response = transition(street, pk, "assign", unit=ref(first))
    assert response.status_code == 200 and response.json()["status"] == "assigned"
    assert response.json()["unit"] == first.pk
    response = transition(street, pk, "reassign", unit=ref(second), reason="职责调整")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "assigned" and response.json()["unit_name"] == second.name
    assert transition(street, pk, "start").json()["status"] == "in_progress"
    back = transition(street, pk, "reassign", unit=str(ref(first)), reason="退回原单位")
    assert back.status_code == 200 and back.json()["status"] == "assigned" and back.json()["unit"] == first.pk
    assert list(Opinion.objects.get(pk=pk).events.values_list("action", flat=True)) == [
        "receive",
        "register",
        "assign",
        "reassign",
        "start",
        "reassign",
    ]


def test_reassign_needs_a_reason_and_an_assigned_opinion(street, login_api, demo_user):
    unit, other = ResponsibleUnit.objects.filter(is_active=True).order_by("pk")[:2]
    pk = registered_opinion(street)
    early = transition(street, pk, "reassign", unit=unit.name, reason="太早")
    assert early.status_code == 409 and "assign" in early.json()["allowed_actions"]
    assert transition(street, pk, "assign", unit=unit.name).status_code == 200
    no_reason = transition(street, pk, "reassign", unit=other.name)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    same = transition(street, pk, "reassign", unit=unit.pk, reason="同一单位")
    assert same.status_code == 400 and "unit" in same.json()
    unknown = transition(street, pk, "reassign", unit="没有这个单位", reason="x")
    assert unknown.status_code == 400 and "unit" in unknown.json()
    officer = login_api(demo_user("officer"))
    assert transition(officer, pk, "reassign", unit=other.name, reason="x").status_code == 403
    opinion = Opinion.objects.get(pk=pk)
    assert opinion.status == "assigned" and opinion.unit == unit


def test_a_station_outside_the_county_does_not_change_the_units_of_the_county(county):
    other = AreaFactory(code="UB0", name="第三县")
    StationFactory(code="UB-001", area=StreetFactory(code="UB1", parent=other))
    assert len(results(county.get(f"{URL}?page_size=200"))) == 46
