"""Every role against every core model, through the single scoping mechanism (core.access)."""

import pytest

from accounts.models import Role
from core.access import access_station_by_code, scope_for
from deputies.models import Deputy, Mandate
from stations.models import Area, Membership, Station, StationDocument, StationStaff
from tests.accounts.factories import UserFactory
from tests.deputies.factories import MandateFactory
from tests.stations.factories import (
    AreaFactory,
    MembershipFactory,
    StationDocumentFactory,
    StationFactory,
    StationStaffFactory,
    StreetFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A test county with two streets, one station in each, staff, deputies and documents."""
    county = AreaFactory(code="TC")
    s1 = StreetFactory(code="TC1", parent=county)
    s2 = StreetFactory(code="TC2", parent=county)
    a = StationFactory(code="TA-1", area=s1)
    b = StationFactory(code="TB-1", area=s2)
    users = {
        "admin": UserFactory(username="t-admin", role=Role.ADMIN),
        "county": UserFactory(username="t-county", role=Role.COUNTY, area=county),
        "street": UserFactory(username="t-street", role=Role.STREET, area=s1, is_staff=True),
        "officer": UserFactory(username="t-officer", role=Role.OFFICER),
        "head": UserFactory(username="t-head", role=Role.HEAD),
        "deputy": UserFactory(username="t-deputy", role=Role.DEPUTY),
        "nobody": UserFactory(username="t-nobody"),
    }
    StationStaffFactory(station=a, user=users["officer"], role="officer")
    StationStaffFactory(station=b, user=users["head"], role="head")
    dep_a = MembershipFactory(station=a).deputy
    dep_b = MembershipFactory(station=b).deputy
    dep_a.user = users["deputy"]
    dep_a.save()
    MandateFactory(deputy=dep_a, level="county")
    MandateFactory(deputy=dep_b, level="city")
    StationDocumentFactory(station=a)
    StationDocumentFactory(station=b)
    return {"county": county, "s1": s1, "s2": s2, "a": a, "b": b, "users": users, "dep_a": dep_a, "dep_b": dep_b}


# Which of the two test stations each role reaches.
EXPECTED = {
    "county": {"TA-1", "TB-1"},
    "street": {"TA-1"},
    "officer": {"TA-1"},
    "head": {"TB-1"},
    "deputy": {"TA-1"},
    "nobody": set(),
}

STATION_OF = {
    Station: lambda qs: qs.values_list("code", flat=True),
    StationStaff: lambda qs: qs.values_list("station__code", flat=True),
    StationDocument: lambda qs: qs.values_list("station__code", flat=True),
    Membership: lambda qs: qs.values_list("station__code", flat=True),
    Deputy: lambda qs: qs.values_list("memberships__station__code", flat=True),
    Mandate: lambda qs: qs.values_list("deputy__memberships__station__code", flat=True),
}


@pytest.mark.parametrize("model", list(STATION_OF), ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_exactly_its_stations_records(world, role, model):
    user = world["users"][role]
    visible = model.objects.for_user(user)
    codes = {c for c in STATION_OF[model](visible) if c in {"TA-1", "TB-1"}}
    assert codes == EXPECTED[role]
    if role != "county":  # county "TC" holds only the two test stations; nobody else reaches the demo either
        assert all(c in {"TA-1", "TB-1"} for c in STATION_OF[model](visible))
    # No duplicates when the path to the station crosses a to-many relation.
    assert visible.count() == len(set(visible.values_list("pk", flat=True)))


@pytest.mark.parametrize("model", list(STATION_OF), ids=lambda m: m.__name__)
def test_admin_sees_everything(world, model):
    assert model.objects.for_user(world["users"]["admin"]).count() == model.objects.count()


def test_county_staff_do_not_reach_another_county(world):
    county_user = world["users"]["county"]
    assert not Station.objects.for_user(county_user).filter(code="YL-001").exists()
    assert Station.objects.for_user(county_user).count() == 2


def test_anonymous_and_inactive_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert scope_for(AnonymousUser()).nothing
    officer = world["users"]["officer"]
    officer.is_active = False
    assert not Station.objects.for_user(officer).exists()


def test_ended_post_loses_scope(world):
    officer = world["users"]["officer"]
    StationStaff.objects.filter(user=officer).update(until="2024-06-30")
    fresh = type(officer).objects.get(pk=officer.pk)
    assert not Station.objects.for_user(fresh).exists()


def test_areas_are_scoped(world):
    street_areas = set(Area.objects.for_user(world["users"]["street"]).values_list("code", flat=True))
    assert street_areas == {"TC1"}
    officer_areas = set(Area.objects.for_user(world["users"]["officer"]).values_list("code", flat=True))
    assert officer_areas == {"TC", "TC1"}  # the chain above their station
    assert set(Area.objects.for_user(world["users"]["county"]).values_list("code", flat=True)) == {"TC", "TC1", "TC2"}
    assert not Area.objects.for_user(world["users"]["nobody"]).exists()


def test_access_helper_is_404_outside_scope(world):
    from django.http import Http404

    assert access_station_by_code(world["users"]["street"], "TA-1") == world["a"]
    with pytest.raises(Http404):
        access_station_by_code(world["users"]["street"], "TB-1")


@pytest.mark.parametrize(
    "role,code,status",
    [
        ("street", "TA-1", 200),
        ("street", "TB-1", 404),
        ("officer", "TB-1", 404),
        ("deputy", "TB-1", 404),
        ("head", "TB-1", 200),
        ("county", "TB-1", 200),
        ("nobody", "TA-1", 404),
    ],
)
def test_api_station_outside_scope_is_404(world, login_api, role, code, status):
    response = login_api(world["users"][role]).get(f"/api/v1/stations/{code}/")
    assert response.status_code == status


def test_api_deputy_outside_scope_is_404(world, login_api):
    client = login_api(world["users"]["officer"])
    assert client.get(f"/api/v1/deputies/{world['dep_a'].pk}/").status_code == 200
    assert client.get(f"/api/v1/deputies/{world['dep_b'].pk}/").status_code == 404


def test_api_area_outside_scope_is_404(world, login_api):
    client = login_api(world["users"]["street"])
    assert client.get(f"/api/v1/areas/{world['s1'].pk}/").status_code == 200
    assert client.get(f"/api/v1/areas/{world['s2'].pk}/").status_code == 404


def test_api_lists_are_scoped(world, login_api):
    body = login_api(world["users"]["street"]).get("/api/v1/stations/").json()
    assert [s["code"] for s in body["results"]] == ["TA-1"]
    body = login_api(world["users"]["deputy"]).get("/api/v1/deputies/").json()
    assert [d["id"] for d in body["results"]] == [world["dep_a"].pk]


def test_admin_pages_are_scoped(world, client):
    client.force_login(world["users"]["street"])
    listing = client.get("/admin/stations/station/")
    assert listing.status_code == 200
    assert "TA-1" in listing.text and "TB-1" not in listing.text
    assert client.get(f"/admin/stations/station/{world['a'].pk}/change/").status_code == 200
    assert client.get(f"/admin/stations/station/{world['b'].pk}/change/").status_code == 404
    assert client.get(f"/admin/deputies/deputy/{world['dep_b'].pk}/change/").status_code == 404


def test_street_staff_cannot_change_in_admin(world, client):
    client.force_login(world["users"]["street"])
    response = client.post(f"/admin/stations/station/{world['a'].pk}/change/", {"name": "改名"})
    assert response.status_code == 403
    world["a"].refresh_from_db()
    assert world["a"].name != "改名"
