"""Suggestions: filing, bad input, the handling workflow (assign, extend, answer, assess, supervise, close),
scoping, filters and query counts."""

import datetime

import pytest
import time_machine

from activities.models import Activity
from deputies.models import Deputy
from stations.models import Station
from suggestions.models import Suggestion, SuggestionEvent
from suggestions.services import add_months
from visits.models import ResponsibleUnit

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def county(login_api, demo_user):
    return login_api(demo_user("county"))


@pytest.fixture
def demo_deputy():
    return Deputy.objects.get(user__username="deputy")


@pytest.fixture
def unit():
    return ResponsibleUnit.objects.filter(is_active=True).order_by("pk").first()


def file(client, **body):
    data = {"title": "关于增设公交站点的建议", "content": "建议增设站点。", "category": "livelihood", **body}
    return client.post("/api/v1/suggestions/", data, format="json")


def transition(client, suggestion_id, **body):
    return client.post(f"/api/v1/suggestions/{suggestion_id}/transition/", body, format="json")


def test_a_deputy_files_their_own_suggestion(login_api, demo_user, demo_deputy):
    client = login_api(demo_user("deputy"))
    response = file(client, station="YL-001", topics=["交通管理", " ", "交通管理"], year=2026)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["lead_deputy"] == {"id": demo_deputy.pk, "name": demo_deputy.name}
    assert body["status"] == "filed" and body["topics"] == ["交通管理"]
    assert body["number"].startswith("2026-")
    assert SuggestionEvent.objects.filter(suggestion_id=body["id"], action="file").exists()


def test_a_deputy_cannot_file_in_another_deputys_name(login_api, demo_user, demo_deputy):
    other = Deputy.objects.exclude(pk=demo_deputy.pk).first()
    before = Suggestion.objects.count()
    response = file(login_api(demo_user("deputy")), lead_deputy=other.pk)
    assert response.status_code == 403  # a deputy files only as their own lead deputy
    assert Suggestion.objects.count() == before


def test_without_a_lead_deputy_is_a_clear_400_and_nothing_is_saved(county):
    before = Suggestion.objects.count()
    response = file(county)
    assert response.status_code == 400
    assert "lead deputy" in response.json()["detail"].lower()  # the API client asks for English (conftest)
    assert Suggestion.objects.count() == before


def test_an_unknown_category_is_a_400_and_nothing_is_saved(county, demo_deputy):
    before = Suggestion.objects.count()
    response = file(county, lead_deputy=demo_deputy.pk, category="culture")
    assert response.status_code == 400
    assert "category" in response.json()
    assert Suggestion.objects.count() == before


def test_anonymous_cannot_file(api, demo_deputy):
    assert file(api, lead_deputy=demo_deputy.pk).status_code == 401


def test_station_staff_file_only_for_their_stations_residents(login_api, demo_user, demo_deputy):
    officer = login_api(demo_user("officer"))
    assert file(officer, lead_deputy=demo_deputy.pk, station="YL-001").status_code == 201
    stranger = Deputy.objects.exclude(memberships__station__code="YL-001").first()
    assert file(officer, lead_deputy=stranger.pk, station="YL-001").status_code == 400
    # A station outside the officer's scope is not a valid choice.
    response = file(officer, lead_deputy=demo_deputy.pk, station="YL-002")
    assert response.status_code == 400 and "station" in response.json()


@time_machine.travel(TODAY, tick=False)
def test_the_whole_handling_loop(county, login_api, demo_user, demo_deputy, unit):
    deputy = login_api(demo_user("deputy"))
    sid = file(deputy, station="YL-001").json()["id"]

    body = transition(county, sid, action="assign", unit=unit.pk).json()
    assert body["status"] == "assigned" and body["unit"] == unit.pk
    assert body["assigned_on"] == "2026-03-02" and body["deadline"] == "2026-06-02"  # 3 months

    # An extension past 6 months after assignment is refused, with the reason and the latest date.
    refused = transition(county, sid, action="extend", deadline="2026-09-03", reason="需协调多部门")
    assert refused.status_code == 400
    assert "6" in refused.json()["detail"] and refused.json()["latest"] == "2026-09-02"
    assert Suggestion.objects.get(pk=sid).deadline == datetime.date(2026, 6, 2)
    no_reason = transition(county, sid, action="extend", deadline="2026-08-01")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    ok = transition(county, sid, action="extend", deadline="2026-09-02", reason="需协调多部门")
    assert ok.status_code == 200 and ok.json()["deadline"] == "2026-09-02"

    assert transition(county, sid, action="answer", answer_class="D", answer="x").status_code == 400
    answered = transition(county, sid, action="answer", answer_class="B", answer="已列入明年计划。").json()
    assert answered["status"] == "answered" and answered["answer_class"] == "B"

    # Only the lead deputy assesses; not satisfied sends it back to the unit once.
    other = login_api(demo_user("officer"))
    assert transition(other, sid, action="assess", assessment="satisfied").status_code == 403  # role refusal
    back = transition(deputy, sid, action="assess", assessment="not_satisfied").json()
    assert back["status"] == "assigned" and back["returned_once"] is True and back["answer_class"] == ""
    assert back["deadline"] == "2026-04-02"
    transition(county, sid, action="answer", answer_class="A", answer="已解决。")
    final = transition(deputy, sid, action="assess", assessment="not_satisfied").json()
    assert final["status"] == "assessed" and final["assessment"] == "not_satisfied"

    closed = transition(county, sid, action="close").json()
    assert closed["status"] == "closed"
    assert [e["action"] for e in closed["events"]] == [
        "file", "assign", "extend", "answer", "return", "answer", "assess", "close"
    ]  # fmt: skip


def test_a_wrong_status_is_a_409(county, demo_deputy, unit):
    suggestion = Suggestion.objects.filter(status="closed").first()
    response = transition(county, suggestion.pk, action="assign", unit=unit.pk)
    assert response.status_code == 409 and response.json()["status"] == "closed"


def test_only_county_staff_assign(login_api, demo_user, unit):
    suggestion = Suggestion.objects.filter(station__code="YL-001").first()
    Suggestion.objects.filter(pk=suggestion.pk).update(status="filed")
    response = transition(login_api(demo_user("officer")), suggestion.pk, action="assign", unit=unit.pk)
    assert response.status_code == 403  # role refusal
    assert Suggestion.objects.get(pk=suggestion.pk).status == "filed"


def test_supervision_is_tied_to_a_supervision_activity(county):
    suggestion = Suggestion.objects.filter(status="assigned").first() or Suggestion.objects.first()
    Suggestion.objects.filter(pk=suggestion.pk).update(status="assigned", supervised=False)
    wrong = Activity.objects.exclude(kind="suggestion_supervision").first()
    assert transition(county, suggestion.pk, action="supervise", activity=wrong.pk).status_code == 400
    right = Activity.objects.filter(kind="suggestion_supervision").first()
    body = transition(county, suggestion.pk, action="supervise", activity=right.pk).json()
    assert body["supervised"] is True and body["supervision_activity"] == right.pk


def test_filters(api, demo_deputy):
    rows = api.get("/api/v1/suggestions/?year=2025&category=rural&page_size=50").json()["results"]
    assert len(rows) == 5 and {r["category"] for r in rows} == {"rural"}
    mine = api.get(f"/api/v1/suggestions/?deputy={demo_deputy.pk}&page_size=50").json()["results"]
    assert mine and all(
        r["lead_deputy"]["id"] == demo_deputy.pk or demo_deputy.pk in [c["id"] for c in r["co_signers"]] for r in mine
    )
    assert any(r["lead_deputy"]["id"] != demo_deputy.pk for r in mine)  # co-signed ones too
    station = api.get("/api/v1/suggestions/?station=YL-001&page_size=50").json()["results"]
    assert station and {r["station"] for r in station} == {"YL-001"}
    closed = api.get("/api/v1/suggestions/?status=closed&page_size=50").json()["results"]
    assert closed and {r["status"] for r in closed} == {"closed"}
    for bad in ("year=abc", "category=culture", "status=done", "deputy=x", "supervised=maybe"):
        assert api.get(f"/api/v1/suggestions/?{bad}").status_code == 400, bad


def test_the_public_sees_no_source_opinions_staff_do(api, county):
    public = api.get("/api/v1/suggestions/?page_size=1").json()["results"][0]
    assert "source_opinions" not in public and "extension_reason" not in public
    staff = county.get("/api/v1/suggestions/?page_size=1").json()["results"][0]
    assert "source_opinions" in staff


def test_staff_see_only_their_stations_suggestions(login_api, demo_user, demo_deputy):
    street = login_api(demo_user("street"))
    rows = street.get("/api/v1/suggestions/?page_size=200").json()["results"]
    assert rows and {r["station"] for r in rows} <= {"YL-001", "YL-002"}
    elsewhere = Suggestion.objects.exclude(station__code__in=["YL-001", "YL-002"]).first()
    assert street.get(f"/api/v1/suggestions/{elsewhere.pk}/").status_code == 404
    assert login_api(demo_user("officer")).get(f"/api/v1/suggestions/{elsewhere.pk}/").status_code == 404


def test_a_suggestion_without_station_belongs_to_its_lead_deputys_stations(login_api, demo_user, demo_deputy):
    suggestion = Suggestion.objects.create(
        lead_deputy=demo_deputy, year=2026, title="t", content="c", category="rural", filed_on=datetime.date(2026, 1, 5)
    )
    assert Suggestion.objects.for_user(demo_user("officer")).filter(pk=suggestion.pk).exists()
    other_officer = demo_user("officer-yl003")
    assert not Suggestion.objects.for_user(other_officer).filter(pk=suggestion.pk).exists()
    assert login_api(other_officer).get(f"/api/v1/suggestions/{suggestion.pk}/").status_code == 404


def test_the_list_keeps_a_fixed_number_of_queries(login_api, demo_user, django_assert_num_queries):
    counts = []
    for size in (5, 50):
        client = login_api(demo_user("county"))
        # the county's area, the page, its co-signers, its source opinions
        with django_assert_num_queries(4) as captured:
            response = client.get(f"/api/v1/suggestions/?page_size={size}")
        assert response.status_code == 200 and len(response.json()["results"]) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_add_months_clamps_to_the_end_of_a_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 3, 2), 6) == datetime.date(2026, 9, 2)


def test_station_list_scoping_uses_the_station(demo_user):
    station = Station.objects.get(code="YL-001")
    visible = Suggestion.objects.for_user(demo_user("officer"))
    assert set(visible.values_list("station", flat=True)) <= {station.pk, None}
