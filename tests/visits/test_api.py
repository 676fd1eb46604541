"""The station ledger's API: writes of the contract, bad input, scoping, the opinion loop, masking, unmasking,
anonymous submission limits, and fixed query counts."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from visits.models import Opinion, OpinionEvent, Outreach, PracticalMatter, ResponsibleUnit, UnmaskLog, VisitLog

pytestmark = pytest.mark.django_db

PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def today():
    return timezone.localdate()


@pytest.fixture
def officer(login_api, demo_user):
    return login_api(demo_user("officer"))


@pytest.fixture
def county(login_api, demo_user):
    return login_api(demo_user("county"))


@pytest.fixture
def street(login_api, demo_user):
    return login_api(demo_user("street"))


def new_opinion(client, **extra):
    body = {
        "station": "YL-001",
        "channel": "visit",
        "content": "小区门口路灯不亮，晚上出行不安全。",
        "citizen_name": "王小明",
        "citizen_phone": "13812345678",
        **extra,
    }
    response = client.post("/api/v1/opinions/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def transition(client, pk, action, **params):
    return client.post(f"/api/v1/opinions/{pk}/transition/", {"action": action, **params}, format="json")


# ---------------------------------------------------------------------------------------------------------
# Visit logs


def test_officer_posts_a_visit_log_as_in_the_contract(officer):
    response = officer.post(
        "/api/v1/visits/",
        {
            "station": "YL-001",
            "date": today().isoformat(),
            "people_count": 3,
            "summary": "群众反映路灯问题",
            "visitor_name": "李四",
            "visitor_phone": "13912345678",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    log = VisitLog.objects.get(pk=body["id"])
    assert log.people_count == 3 and log.visitor_phone == "13912345678"
    assert body["visitor_phone"] == "139****5678" and body["visitor_name"] == "李*"


def test_a_visit_log_on_a_reception_day_is_linked_to_it(officer):
    day = datetime.date(2025, 6, 28)
    response = officer.post(
        "/api/v1/visits/", {"station": "YL-001", "date": day.isoformat(), "people_count": 1}, format="json"
    )
    assert response.status_code == 201
    log = VisitLog.objects.get(pk=response.json()["id"])
    assert log.reception_day is not None and log.reception_day.date == day


@pytest.mark.parametrize(
    "change,field",
    [
        ({"people_count": 0}, "people_count"),
        ({"people_count": -2}, "people_count"),
        ({"date": "2099-01-01"}, "date"),
        ({"station": "NOPE-1"}, "station"),
        ({"summary": "长" * 2001}, "summary"),
        ({"visitor_phone": "12ab"}, "visitor_phone"),
    ],
)
def test_bad_visit_logs_are_400_with_field_errors(officer, change, field):
    body = {"station": "YL-001", "date": today().isoformat(), "people_count": 2, **change}
    before = VisitLog.objects.count()
    response = officer.post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert VisitLog.objects.count() == before


def test_officer_writing_for_another_station_saves_nothing(officer):
    before = VisitLog.objects.count()
    response = officer.post(
        "/api/v1/visits/", {"station": "YL-002", "date": today().isoformat(), "people_count": 2}, format="json"
    )
    assert response.status_code in (403, 404)
    assert VisitLog.objects.count() == before


def test_deputies_cannot_write_visit_logs(login_api, demo_user):
    client = login_api(demo_user("deputy"))
    response = client.post(
        "/api/v1/visits/", {"station": "YL-001", "date": today().isoformat(), "people_count": 2}, format="json"
    )
    assert response.status_code == 403


def test_visit_filters_and_scope(officer, county):
    results = officer.get("/api/v1/visits/?year=2025&page_size=200").json()["results"]
    assert results and {r["station"] for r in results} == {"YL-001"}
    assert officer.get("/api/v1/visits/?station=YL-002").json()["results"] == []
    ranged = county.get("/api/v1/visits/?station=YL-003&date_from=2025-03-01&date_to=2025-03-31").json()["results"]
    assert ranged and all("2025-03-01" <= r["date"] <= "2025-03-31" for r in ranged)
    assert county.get("/api/v1/visits/?date_from=notadate").status_code == 400
    other = VisitLog.objects.filter(station__code="YL-002").first()
    assert officer.get(f"/api/v1/visits/{other.pk}/").status_code == 404


def test_visit_list_masks_every_phone(county):
    text = county.get("/api/v1/visits/?page_size=200").content.decode()
    assert not PHONE_RE.search(text)
    assert "****" in text


def test_visit_list_query_count_does_not_grow_with_page_size(county):
    county.get("/api/v1/visits/?page_size=5")  # warm up
    with CaptureQueriesContext(connection) as small:
        assert len(county.get("/api/v1/visits/?page_size=5").json()["results"]) == 5
    with CaptureQueriesContext(connection) as large:
        assert len(county.get("/api/v1/visits/?page_size=100").json()["results"]) == 100
    assert len(small) == len(large) <= 8


@pytest.mark.parametrize(
    "url,size",
    [("/api/v1/outreach/", 100), ("/api/v1/opinions/", 100), ("/api/v1/practical-matters/", 100)],
)
def test_lists_keep_a_fixed_number_of_queries(county, url, size, django_assert_max_num_queries):
    county.get(url + "?page_size=2")
    with django_assert_max_num_queries(6):
        assert len(county.get(f"{url}?page_size=2").json()["results"]) == 2
    with django_assert_max_num_queries(6):
        assert len(county.get(f"{url}?page_size={size}").json()["results"]) == size


# ---------------------------------------------------------------------------------------------------------
# Outreach and practical matters


def test_outreach_is_counted_for_the_deputys_station(officer):
    visit = Outreach.objects.filter(station__code="YL-001").first()
    response = officer.post(
        "/api/v1/outreach/",
        {"deputy": visit.deputy_id, "date": today().isoformat(), "place": "橘洲社区", "people_count": 7},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["station"] == "YL-001"
    bad = officer.post(
        "/api/v1/outreach/",
        {"deputy": visit.deputy_id, "date": today().isoformat(), "place": "x", "people_count": 0},
        format="json",
    )
    assert bad.status_code == 400 and "people_count" in bad.json()


def test_a_deputy_records_only_their_own_outreach(login_api, demo_user):
    user = demo_user("deputy")
    client = login_api(user)
    own = client.post(
        "/api/v1/outreach/",
        {"deputy": user.deputy.pk, "date": today().isoformat(), "place": "社区", "people_count": 4},
        format="json",
    )
    assert own.status_code == 201, own.content
    other = Outreach.objects.filter(station__code="YL-001").exclude(deputy=user.deputy).first()
    response = client.post(
        "/api/v1/outreach/",
        {"deputy": other.deputy_id, "date": today().isoformat(), "place": "社区", "people_count": 4},
        format="json",
    )
    assert response.status_code == 403


def test_practical_matter_with_a_source_opinion_of_the_same_station(officer):
    source = Opinion.objects.filter(station__code="YL-001").first()
    response = officer.post(
        "/api/v1/practical-matters/",
        {
            "station": "YL-001",
            "date": today().isoformat(),
            "title": "修复路灯",
            "beneficiaries": 120,
            "source_opinion": source.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert PracticalMatter.objects.get(pk=response.json()["id"]).source_opinion == source
    foreign = Opinion.objects.filter(station__code="YL-003").first()
    response = officer.post(
        "/api/v1/practical-matters/",
        {"station": "YL-001", "date": today().isoformat(), "title": "x", "source_opinion": foreign.pk},
        format="json",
    )
    assert response.status_code == 400 and "source_opinion" in response.json()
    negative = officer.post(
        "/api/v1/practical-matters/",
        {"station": "YL-001", "date": today().isoformat(), "title": "x", "beneficiaries": -1},
        format="json",
    )
    assert negative.status_code == 400 and "beneficiaries" in negative.json()


# ---------------------------------------------------------------------------------------------------------
# Opinions: the whole loop through the API


def test_the_whole_loop_with_a_not_satisfied_round(officer, street):
    created = new_opinion(officer)
    assert "citizen_phone" not in created and "13812345678" not in str(created)
    pk = created["id"]
    opinion = Opinion.objects.get(pk=pk)
    assert opinion.status == "received" and opinion.register_due is not None
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", created["tracking_code"])

    assert transition(officer, pk, "register").json()["status"] == "registered"
    # Officers do not assign: their role is refused, the action itself is allowed from this state.
    unit = ResponsibleUnit.objects.get(name="区城市管理和综合执法局")
    assert transition(officer, pk, "assign", unit=unit.pk).status_code == 403
    response = transition(street, pk, "assign", unit=unit.pk)
    assert response.status_code == 200 and response.json()["unit_name"] == unit.name
    assert response.json()["answer_due"]
    assert transition(officer, pk, "start").json()["status"] == "in_progress"
    assert transition(officer, pk, "answer", answer="已更换灯具。").json()["status"] == "answered"
    # The citizen is not satisfied: back to in_progress with a fresh answer deadline.
    response = transition(officer, pk, "rate", satisfied=False)
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress" and response.json()["rating"] == "not_satisfied"
    assert transition(officer, pk, "answer", answer="已增设路灯两盏。").json()["status"] == "answered"
    response = transition(officer, pk, "rate", satisfied=True)
    body = response.json()
    assert body["status"] == "closed" and body["resolved"] is True and body["rating"] == "satisfied"
    actions = list(OpinionEvent.objects.filter(opinion_id=pk).values_list("action", flat=True))
    assert actions == ["receive", "register", "assign", "start", "answer", "rate", "answer", "rate"]
    detail = officer.get(f"/api/v1/opinions/{pk}/").json()
    assert [e["action"] for e in detail["events"]] == actions
    assert detail["citizen_phone"] == "138****5678"


def test_a_wrong_action_is_409_with_the_allowed_actions(officer, county):
    pk = new_opinion(officer)["id"]
    response = transition(officer, pk, "answer", answer="x")
    assert response.status_code == 409
    assert response.json()["allowed_actions"] == ["register"]
    assert transition(county, pk, "rate", satisfied=True).json()["allowed_actions"] == ["register", "reject"]
    assert transition(officer, pk, "dance").status_code == 400
    assert Opinion.objects.get(pk=pk).status == "received"


def test_reject_close_and_reopen_rules(officer, street, county):
    pk = new_opinion(officer)["id"]
    assert transition(street, pk, "reject").status_code == 400  # a reason is required
    assert transition(street, pk, "reject", reason="属于民事纠纷").json()["status"] == "rejected"
    assert transition(street, pk, "reopen", reason="x").status_code == 403  # only county staff reopen
    response = transition(county, pk, "reopen", reason="群众补充了材料")
    assert response.status_code == 200 and response.json()["status"] == "registered"

    unit = ResponsibleUnit.objects.first()
    for action, params in [("assign", {"unit": unit.pk}), ("start", {}), ("answer", {"answer": "已处理"})]:
        assert transition(county, pk, action, **params).status_code == 200
    assert transition(officer, pk, "close", note="联系不上").status_code == 403
    assert transition(street, pk, "close").status_code == 400  # a note is required
    body = transition(street, pk, "close", note="多次回访联系不上", resolved=True).json()
    assert body["status"] == "closed" and body["resolved"] is True and body["rating"] == ""
    body = transition(county, pk, "reopen", reason="群众再次反映").json()
    assert body["status"] == "in_progress" and body["resolved"] is False


def test_opinions_outside_the_scope_are_404(officer):
    other = Opinion.objects.filter(station__code="YL-002").first()
    assert officer.get(f"/api/v1/opinions/{other.pk}/").status_code == 404
    assert transition(officer, other.pk, "register").status_code == 404


def test_opinion_filters(county):
    overdue = county.get("/api/v1/opinions/?overdue=true&page_size=200").json()["results"]
    assert overdue and all(o["is_overdue"] for o in overdue)
    assert county.get("/api/v1/opinions/?overdue=maybe").status_code == 400
    assert county.get("/api/v1/opinions/?status=nonsense").status_code == 400
    closed = county.get("/api/v1/opinions/?status=closed&resolved=true&year=2025&page_size=200")
    assert len(closed.json()["results"]) == 199 and closed.json()["next"] is None
    code = Opinion.objects.filter(station__code="YL-004").first().tracking_code
    found = county.get(f"/api/v1/opinions/?tracking_code={code.lower()}").json()["results"]
    assert [o["tracking_code"] for o in found] == [code]


def test_staff_opinion_lists_show_phones_masked(county):
    text = county.get("/api/v1/opinions/?page_size=200").content.decode()
    assert not PHONE_RE.search(text) and not ID_RE.search(text)


# ---------------------------------------------------------------------------------------------------------
# Anonymous submission (the QR form's API)


def test_anonymous_submission_returns_a_tracking_code_and_no_personal_data(api):
    response = api.post(
        "/api/v1/opinions/",
        {"station": "YL-003", "content": "公园公厕太少", "citizen_name": "赵六", "citizen_phone": "13700001111"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"tracking_code", "status", "station", "received_at", "register_due", "rating_key", "track_url"}
    assert "13700001111" not in response.content.decode() and "赵六" not in response.content.decode()
    opinion = Opinion.objects.get(tracking_code=body["tracking_code"])
    assert opinion.channel == "online" and opinion.created_by is None and body["rating_key"] == ""
    no_phone = api.post("/api/v1/opinions/", {"station": "YL-003", "content": "建议增设护栏"}, format="json").json()
    assert len(no_phone["rating_key"]) == 6


@pytest.mark.parametrize(
    "body,field",
    [
        ({"content": ""}, "content"),
        ({"content": "   "}, "content"),
        ({"content": "长" * 2001}, "content"),
        ({"content": "好", "website": "http://spam"}, "website"),
        ({"content": "好", "channel": "visit"}, "channel"),
        ({"content": "好", "station": "XX-999"}, "station"),
        ({"content": "好", "citizen_phone": "call me"}, "citizen_phone"),
    ],
)
def test_bad_anonymous_submissions_are_400(api, body, field):
    before = Opinion.objects.count()
    response = api.post("/api/v1/opinions/", {"station": "YL-003", **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Opinion.objects.count() == before


def test_anonymous_submissions_are_limited_to_five_a_minute_per_ip(api):
    for _ in range(5):
        assert api.post("/api/v1/opinions/", {"station": "YL-003", "content": "意见"}, format="json").status_code == 201
    response = api.post("/api/v1/opinions/", {"station": "YL-003", "content": "意见"}, format="json")
    assert response.status_code == 429
    # Another address is not affected.
    other = api.post(
        "/api/v1/opinions/", {"station": "YL-003", "content": "意见"}, format="json", REMOTE_ADDR="10.9.9.9"
    )
    assert other.status_code == 201


def test_anonymous_submissions_are_limited_to_thirty_a_day_per_ip(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "opinion-submit": {"minute": (1000, 60), "day": (30, 86400)}}
    for _ in range(30):
        assert api.post("/api/v1/opinions/", {"station": "YL-003", "content": "意见"}, format="json").status_code == 201
    assert api.post("/api/v1/opinions/", {"station": "YL-003", "content": "意见"}, format="json").status_code == 429


def test_anonymous_users_cannot_list_opinions(api):
    assert api.get("/api/v1/opinions/").status_code == 401


# ---------------------------------------------------------------------------------------------------------
# Unmasking


def test_county_staff_with_the_permission_unmask_one_record_and_it_is_logged(county, demo_user, officer):
    pk = new_opinion(officer)["id"]
    response = county.post(f"/api/v1/opinions/{pk}/unmask/", {"purpose": "回访"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"citizen_name": "王小明", "citizen_phone": "13812345678"}
    log = UnmaskLog.objects.get(record_type="visits.opinion", record_id=pk)
    assert log.user == demo_user("county") and log.purpose == "回访"
    # An officer may not unmask.
    assert officer.post(f"/api/v1/opinions/{pk}/unmask/").status_code == 403
    visit = VisitLog.objects.exclude(visitor_phone="").filter(station__code="YL-001").first()
    assert county.post(f"/api/v1/visits/{visit.pk}/unmask/").json()["visitor_phone"] == visit.visitor_phone


def test_county_staff_without_the_permission_cannot_unmask(login_api, officer):
    from accounts.models import Role
    from stations.models import Area
    from tests.accounts.factories import UserFactory

    user = UserFactory(username="county-2", role=Role.COUNTY, area=Area.objects.get(code="430104"))
    pk = new_opinion(officer)["id"]
    assert login_api(user).post(f"/api/v1/opinions/{pk}/unmask/").status_code == 403
    assert not UnmaskLog.objects.filter(record_id=pk).exists()


def test_anonymise_old_records_keeps_counts(county):
    from django.core.management import call_command

    total = VisitLog.objects.count()
    opinions = Opinion.objects.count()
    old_named = VisitLog.objects.filter(date__lt=datetime.date(2025, 7, 1)).exclude(visitor_phone="").count()
    assert old_named
    call_command(
        "anonymise_old_records",
        "--older-than",
        str((today() - datetime.date(2025, 7, 1)).days),
        stdout=io.StringIO(),
    )
    assert VisitLog.objects.count() == total and Opinion.objects.count() == opinions
    assert not VisitLog.objects.filter(date__lt=datetime.date(2025, 7, 1)).exclude(visitor_phone="").exists()
    assert VisitLog.objects.filter(date__gte=datetime.date(2025, 7, 2)).exclude(visitor_phone="").exists()
    old_closed = Opinion.objects.filter(
        status="closed", closed_at__lt=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    )
    assert old_closed.exists() and not old_closed.exclude(citizen_phone="").exists()


def test_void_a_mistaken_visit_log_only_within_the_scope_and_with_a_reason(officer, login_api, demo_user):
    own = officer.post(
        "/api/v1/visits/", {"station": "YL-001", "date": today().isoformat(), "people_count": 1}, format="json"
    ).json()["id"]
    other = VisitLog.objects.filter(station__code="YL-002").first().pk
    assert officer.delete(f"/api/v1/visits/{other}/?reason=x").status_code == 404
    assert login_api(demo_user("deputy")).delete(f"/api/v1/visits/{own}/?reason=x").status_code == 403
    no_reason = officer.delete(f"/api/v1/visits/{own}/")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    assert officer.delete(f"/api/v1/visits/{own}/", {"reason": "录重了"}, format="json").status_code == 204
    assert not VisitLog.objects.filter(pk=own).exists()
    voided = VisitLog.all_objects.get(pk=own)
    assert voided.void_reason == "录重了" and voided.voided_by.username == "officer"
