"""Correcting what people entered: PATCH, void (DELETE with a reason), restore, undo and the trail.

A voided record leaves every figure (dashboard summary, rollups, public station page, evaluation) and comes
back when restored."""

import datetime

import pytest
from django.db.models import Sum
from django.utils import timezone

from reports.evaluation import scheme_for_year, score_sheet
from reports.models import StationMonth
from stations.models import ReceptionDay, Station
from visits import services
from visits.models import Opinion, OpinionEvent, Outreach, PracticalMatter, VisitLog
from visits.trail import record_trail

pytestmark = pytest.mark.django_db(transaction=False)

YEAR = timezone.localdate().year


def today():
    return timezone.localdate()


@pytest.fixture
def officer(login_api, demo_user):
    return login_api(demo_user("officer"))


@pytest.fixture
def county(login_api, demo_user):
    return login_api(demo_user("county"))


def _figures(client, api, station: Station, django_capture_on_commit_callbacks) -> dict:
    summary = api.get(f"/api/v1/dashboard/summary/?year={YEAR}&station={station.code}").json()
    rollup = StationMonth.objects.filter(station=station, month__year=YEAR).aggregate(
        people=Sum("people_received"), opinions=Sum("opinions_received")
    )
    page = client.get(f"/stations/{station.code}/").content.decode()
    sheet = score_sheet(scheme=scheme_for_year(YEAR), stations=[station])[station.pk]
    return {
        "summary": (summary["people_received"], summary["opinions_received"], summary["practical_matters"]),
        "rollup": (rollup["people"], rollup["opinions"]),
        "page_people": summary["people_received"] and (f">{summary['people_received']}<" in page.replace(",", "")),
        "evaluation": {row["item"].code: row["computed_score"] for row in sheet},
    }


def test_a_voided_record_leaves_every_figure_and_comes_back_when_restored(
    client, county, django_capture_on_commit_callbacks
):
    station = Station.objects.get(code="YL-001")
    day = (
        ReceptionDay.objects.filter(station=station, date__year=YEAR, date__lt=today(), status="held")
        .filter(visit_logs__isnull=False)
        .order_by("date")
        .first()
    )
    logs = list(VisitLog.objects.filter(station=station, date=day.date))
    assert logs, "the demo has visit logs on the station's reception days"
    with django_capture_on_commit_callbacks(execute=True):
        created = county.post(
            "/api/v1/opinions/", {"station": "YL-001", "channel": "phone", "content": "路灯不亮"}, format="json"
        )
    opinions = [Opinion.objects.get(pk=created.json()["id"])]
    with django_capture_on_commit_callbacks(execute=True):
        before = _figures(client, county, station, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        for log in logs:
            assert county.delete(f"/api/v1/visits/{log.pk}/", {"reason": "重复录入"}, format="json").status_code == 204
        for opinion in opinions:
            assert county.delete(f"/api/v1/opinions/{opinion.pk}/?reason=重复").status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        voided = _figures(client, county, station, django_capture_on_commit_callbacks)

    people = sum(log.people_count for log in logs)
    assert voided["summary"][0] == before["summary"][0] - people
    assert voided["summary"][1] == before["summary"][1] - len(opinions)
    assert voided["rollup"] == (before["rollup"][0] - people, before["rollup"][1] - len(opinions))
    assert voided["page_people"], "the public page shows the lower figure"
    assert before["evaluation"] != voided["evaluation"], "the reception day without a visit log loses points"

    with django_capture_on_commit_callbacks(execute=True):
        for log in logs:
            assert (
                county.post(f"/api/v1/visits/{log.pk}/restore/", {"reason": "误删"}, format="json").status_code == 200
            )
        for opinion in opinions:
            assert county.post(f"/api/v1/opinions/{opinion.pk}/restore/", {}, format="json").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        restored = _figures(client, county, station, django_capture_on_commit_callbacks)
    assert restored == before


def test_patch_corrects_a_visit_log_and_the_trail_shows_before_and_after(officer, demo_user):
    created = officer.post(
        "/api/v1/visits/",
        {"station": "YL-001", "date": today().isoformat(), "people_count": 31, "visitor_phone": "13812345678"},
        format="json",
    ).json()
    response = officer.patch(
        f"/api/v1/visits/{created['id']}/",
        {"people_count": 3, "visitor_phone": "138****5678", "reason": "多打了一个1"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["people_count"] == 3
    log = VisitLog.objects.get(pk=created["id"])
    assert log.people_count == 3 and log.visitor_phone == "13812345678", "a masked phone means unchanged"
    steps = record_trail(user=demo_user("county"), record=log)
    assert [s.action for s in steps] == ["created", "corrected"]
    assert steps[1].reason == "多打了一个1" and steps[1].by
    assert [(c.field, c.before, c.after) for c in steps[1].changes] == [("people_count", "31", "3")]
    history = officer.get(f"/api/v1/visits/{log.pk}/history/").json()
    assert history[1]["changes"][0]["before"] == "31" and history[1]["action"] == "corrected"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"people_count": 0}, "people_count"),
        ({"date": "2999-01-01"}, "date"),
        ({"visitor_name": "张*x"}, "visitor_name"),
    ],
)
def test_patch_refuses_bad_input_and_changes_nothing(officer, body, field):
    created = officer.post(
        "/api/v1/visits/", {"station": "YL-001", "date": today().isoformat(), "people_count": 2}, format="json"
    ).json()
    response = officer.patch(f"/api/v1/visits/{created['id']}/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert VisitLog.objects.get(pk=created["id"]).people_count == 2


def test_patch_cannot_move_a_record_to_another_station(officer):
    created = officer.post(
        "/api/v1/visits/", {"station": "YL-001", "date": today().isoformat(), "people_count": 2}, format="json"
    ).json()
    response = officer.patch(f"/api/v1/visits/{created['id']}/", {"station": "YL-002"}, format="json")
    assert response.status_code in (400, 404)
    assert VisitLog.objects.get(pk=created["id"]).station.code == "YL-001"


def test_outreach_and_practical_matters_are_corrected_and_voided(officer, county):
    matter = PracticalMatter.objects.filter(station__code="YL-001").first()
    assert (
        officer.patch(f"/api/v1/practical-matters/{matter.pk}/", {"title": "修好路灯"}, format="json").status_code
        == 200
    )
    assert PracticalMatter.objects.get(pk=matter.pk).title == "修好路灯"
    outreach = Outreach.objects.filter(station__code="YL-001").first()
    assert officer.patch(f"/api/v1/outreach/{outreach.pk}/", {"people_count": 12}, format="json").status_code == 200
    assert Outreach.objects.get(pk=outreach.pk).people_count == 12
    assert officer.delete(f"/api/v1/outreach/{outreach.pk}/").status_code == 400
    assert officer.delete(f"/api/v1/outreach/{outreach.pk}/?reason=走访记错了人").status_code == 204
    assert not officer.get("/api/v1/outreach/?station=YL-001").json()["results"] or outreach.pk not in [
        r["id"] for r in officer.get("/api/v1/outreach/?station=YL-001").json()["results"]
    ]
    assert officer.get(f"/api/v1/outreach/{outreach.pk}/").status_code == 404
    assert Outreach.all_objects.get(pk=outreach.pk).void_reason == "走访记错了人"


def test_an_opinion_is_corrected_until_it_is_assigned(officer, county):
    created = officer.post(
        "/api/v1/opinions/", {"station": "YL-001", "channel": "visit", "content": "路灯"}, format="json"
    ).json()
    opinion = Opinion.objects.get(pk=created["id"])
    response = officer.patch(
        f"/api/v1/opinions/{opinion.pk}/", {"channel": "phone", "content": "路灯不亮"}, format="json"
    )
    assert response.status_code == 200 and response.json()["channel"] == "phone"
    assert OpinionEvent.objects.filter(opinion=opinion, action="correct").exists()
    handled = Opinion.objects.filter(station__code="YL-001", status__in=["assigned", "in_progress"]).first()
    response = officer.patch(f"/api/v1/opinions/{handled.pk}/", {"content": "改"}, format="json")
    assert response.status_code == 409
    assert officer.delete(f"/api/v1/opinions/{handled.pk}/?reason=x").status_code == 409
    assert Opinion.objects.get(pk=handled.pk).content == handled.content


def test_restore_is_for_county_staff_or_the_voider_within_the_undo_window(officer, county, demo_user, time_machine):
    created = officer.post(
        "/api/v1/visits/", {"station": "YL-001", "date": today().isoformat(), "people_count": 2}, format="json"
    ).json()
    assert officer.delete(f"/api/v1/visits/{created['id']}/?reason=录错站点").status_code == 204
    assert officer.post(f"/api/v1/visits/{created['id']}/restore/", {}, format="json").status_code == 200
    assert officer.delete(f"/api/v1/visits/{created['id']}/?reason=录错站点").status_code == 204
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=1))
    assert officer.post(f"/api/v1/visits/{created['id']}/restore/", {}, format="json").status_code == 403
    assert county.post(f"/api/v1/visits/{created['id']}/restore/", {}, format="json").status_code == 200
    assert VisitLog.objects.filter(pk=created["id"]).exists()
    other = VisitLog.objects.filter(station__code="YL-002").first()
    assert officer.post(f"/api/v1/visits/{other.pk}/restore/", {}, format="json").status_code == 404


def test_undo_an_edit_puts_back_the_values_before_it(demo_user):
    officer = demo_user("officer")
    log = services.visit_log_create(
        by=officer, station=Station.objects.get(code="YL-001"), date=today(), people_count=4, topics="路灯"
    )
    services.record_update(by=officer, record=log, people_count=40, topics="路灯维修")
    services.record_undo_edit(by=officer, record=log)
    log.refresh_from_db()
    assert (log.people_count, log.topics) == (4, "路灯")
    with pytest.raises(services.Conflict):
        services.record_undo_edit(by=demo_user("county"), record=log)


def test_an_unchanged_patch_saves_no_version(demo_user):
    officer = demo_user("officer")
    log = services.visit_log_create(
        by=officer, station=Station.objects.get(code="YL-001"), date=today(), people_count=4
    )
    services.record_update(by=officer, record=log, people_count=4, summary="")
    assert log.history.count() == 1
