"""The reception-days, notices and duty-rotas endpoints on the demo district: reads, filters, writes, scope."""

import datetime

import pytest
from django.utils import timezone

from notices import planner
from notices.models import Notice
from stations import notices as reception
from stations.models import ReceptionDay
from tests.notices.support import eager  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def next_day(code="YL-001") -> ReceptionDay:
    """The station's demo reception day of next month (planned, unpublished, far enough ahead)."""
    today = timezone.localdate()
    return (
        ReceptionDay.objects.filter(station__code=code, date__gt=today + datetime.timedelta(days=5))
        .order_by("date")
        .first()
    )


def test_anonymous_reads_reception_days_with_their_deputies_and_no_contact_details(api):
    body = api.get("/api/v1/reception-days/?station=YL-001&month=2025-03").json()
    assert len(body["results"]) == 1
    day = body["results"][0]
    assert day["station"] == "YL-001" and day["date"] == "2025-03-28" and day["status"] == "held"
    assert day["notice_published_at"] and day["duty_deputies"]
    assert set(day["duty_deputies"][0]) == {"id", "name", "levels"}
    assert "phone" not in str(body) and "@" not in str(body)


@pytest.mark.parametrize("query", ["month=2027-13", "month=27-01", "status=nonsense", "date_from=yesterday"])
def test_bad_filters_are_400(api, query):
    assert api.get(f"/api/v1/reception-days/?{query}").status_code == 400


def test_list_query_count_does_not_grow_with_the_page(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        small = api.get("/api/v1/reception-days/?page_size=5")
    with django_assert_max_num_queries(4):
        large = api.get("/api/v1/reception-days/?page_size=200")
    assert len(small.json()["results"]) == 5 and len(large.json()["results"]) == 200


def test_staff_see_their_scope_only(login_api, demo_user):
    officer = login_api(demo_user("officer"))
    codes = {d["station"] for d in officer.get("/api/v1/reception-days/?page_size=200").json()["results"]}
    assert codes == {"YL-001"}
    other = ReceptionDay.objects.filter(station__code="YL-005").first()
    assert officer.get(f"/api/v1/reception-days/{other.pk}/").status_code == 404


def test_officer_moves_a_day_with_a_reason_and_bad_moves_are_400(login_api, demo_user):
    officer = login_api(demo_user("officer"))
    day = next_day()
    url = f"/api/v1/reception-days/{day.pk}/move/"
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    past = officer.post(url, {"date": yesterday.isoformat(), "reason": "x"}, format="json")
    assert past.status_code == 400 and "past" in past.json()["detail"]
    taken = ReceptionDay.objects.filter(station=day.station).exclude(pk=day.pk).order_by("-date").first()
    taken.date = day.date + datetime.timedelta(days=2)
    taken.save()
    clash = officer.post(url, {"date": taken.date.isoformat(), "reason": "x"}, format="json")
    assert clash.status_code == 400 and clash.json()["code"] == "date_taken"
    assert officer.post(url, {"date": day.date.isoformat()}, format="json").status_code == 400  # no reason
    new_date = day.date + datetime.timedelta(days=1)
    moved = officer.post(url, {"date": new_date.isoformat(), "reason": "与社区活动冲突"}, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "moved" and moved.json()["date"] == new_date.isoformat()
    assert moved.json()["original_date"] == day.date.isoformat() and moved.json()["change_reason"] == "与社区活动冲突"


def test_writes_need_a_station_role_and_the_scope(login_api, demo_user, api):
    day = next_day("YL-005")
    url = f"/api/v1/reception-days/{day.pk}/cancel/"
    assert api.post(url, {"reason": "x"}, format="json").status_code == 401
    assert login_api(demo_user("deputy")).post(url, {"reason": "x"}, format="json").status_code == 403
    assert login_api(demo_user("officer")).post(url, {"reason": "x"}, format="json").status_code == 404
    assert login_api(demo_user("street")).post(url, {"reason": "x"}, format="json").status_code == 404
    response = login_api(demo_user("county")).post(url, {"reason": "场地维修"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = login_api(demo_user("county")).post(url, {"reason": "x"}, format="json")
    assert again.status_code == 409


def test_officer_edits_the_deputies_on_duty(login_api, demo_user):
    officer = login_api(demo_user("officer"))
    day = next_day()
    residents = list(day.station.memberships.current().values_list("deputy_id", flat=True))
    url = f"/api/v1/reception-days/{day.pk}/"
    response = officer.patch(url, {"duty_deputies": residents[:2], "place": "社区议事厅"}, format="json")
    assert response.status_code == 200, response.content
    assert sorted(d["id"] for d in response.json()["duty_deputies"]) == sorted(residents[:2])
    assert response.json()["place"] == "社区议事厅"
    stranger = ReceptionDay.objects.exclude(station=day.station).first().duty_deputies.first()
    bad = officer.patch(url, {"duty_deputies": [stranger.pk]}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "not_resident"
    assert officer.patch(url, {"end_time": "08:00"}, format="json").status_code == 400


def test_notices_are_for_county_staff_and_administrators(login_api, demo_user, api):
    assert api.get("/api/v1/notices/").status_code == 401
    for username in ("officer", "street", "deputy"):
        assert login_api(demo_user(username)).get("/api/v1/notices/").status_code == 403
    county = login_api(demo_user("county"))
    body = county.get("/api/v1/notices/?status=sent&page_size=10").json()
    assert len(body["results"]) == 10
    notice = body["results"][0]
    assert {"reception_day", "recipient", "channel", "status", "attempts", "sent_at"} <= set(notice)
    assert notice["recipient"].split(":")[0] in {"deputy", "subscriber", "user"}
    assert county.get("/api/v1/notices/?status=bogus").status_code == 400
    day_id = notice["reception_day"]
    rows = county.get(f"/api/v1/notices/?reception_day={day_id}&page_size=200").json()["results"]
    assert rows and {r["reception_day"] for r in rows} == {day_id}


def test_county_resends_failed_notices(login_api, demo_user, settings, eager, django_capture_on_commit_callbacks):  # noqa: F811
    settings.SMS_BACKEND = "notices.channels.LocmemSMSBackend"
    day = next_day()
    ids = planner.record_notices(reception.reception_rows(day))
    Notice.objects.filter(pk__in=ids).update(status=Notice.Status.FAILED, attempts=5, last_error="x")
    county = login_api(demo_user("county"))
    with django_capture_on_commit_callbacks(execute=True):
        response = county.post("/api/v1/notices/resend/", {"ids": ids}, format="json")
    assert response.status_code == 200 and response.json() == {"resent": len(ids)}
    assert set(Notice.objects.filter(pk__in=ids).values_list("status", flat=True)) == {Notice.Status.SENT}


def test_duty_rota_read_and_written_by_the_station(login_api, demo_user):
    officer = login_api(demo_user("officer"))
    rota = officer.get("/api/v1/duty-rotas/YL-001/").json()
    members = rota["members"]
    assert rota["station"] == "YL-001" and rota["deputies_per_day"] is None and len(members) >= 3
    assert {"deputy", "name", "level", "active"} <= set(members[0])
    reordered = [{"deputy": m["deputy"], "active": True} for m in reversed(members)]
    reordered[0]["active"] = False
    saved = officer.put("/api/v1/duty-rotas/YL-001/", {"deputies_per_day": 2, "members": reordered}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["deputies_per_day"] == 2
    assert [m["deputy"] for m in saved.json()["members"]] == [m["deputy"] for m in reordered]
    assert saved.json()["members"][0]["active"] is False
    bad = officer.put("/api/v1/duty-rotas/YL-001/", {"members": [{"deputy": 10**9}]}, format="json")
    assert bad.status_code == 400
    assert officer.get("/api/v1/duty-rotas/YL-002/").status_code == 404
    assert login_api(demo_user("deputy")).put("/api/v1/duty-rotas/YL-001/", {}, format="json").status_code == 403
    assert login_api(demo_user("county")).get("/api/v1/duty-rotas/YL-002/").status_code == 200


def test_admin_pages_and_resend_action(client, demo_user):
    client.force_login(demo_user("admin"))
    assert client.get("/admin/stations/receptionday/").status_code == 200
    assert client.get("/admin/notices/notice/").status_code == 200
    assert client.get("/admin/stations/dutyrota/").status_code == 200
    page = client.get("/admin/notices/subscriber/")
    assert page.status_code == 200 and b"****" in page.content
    failed = Notice.objects.filter(status=Notice.Status.SENT).first()
    Notice.objects.filter(pk=failed.pk).update(status=Notice.Status.FAILED)
    response = client.post(
        "/admin/notices/notice/", {"action": "resend_failed", "_selected_action": [failed.pk]}, follow=True
    )
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.status == Notice.Status.PENDING or failed.status == Notice.Status.SENT


def test_the_public_learns_who_is_on_duty_when_the_notice_is_published(api, login_api, demo_user):
    day = next_day()
    assert day.notice_published_at is None and day.duty_deputies.exists()
    assert api.get(f"/api/v1/reception-days/{day.pk}/").json()["duty_deputies"] == []
    staff = login_api(demo_user("officer")).get(f"/api/v1/reception-days/{day.pk}/").json()
    assert len(staff["duty_deputies"]) == day.duty_deputies.count()
    reception.publish_due_reception_days(today=day.date - datetime.timedelta(days=3), enqueue=False, day_ids=[day.pk])
    assert len(api.get(f"/api/v1/reception-days/{day.pk}/").json()["duty_deputies"]) == day.duty_deputies.count()
