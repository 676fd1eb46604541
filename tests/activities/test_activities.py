"""Activities, yearly plans and duty reports: writes with bad input, scoping, filters, public pages, query counts,
and the quarterly activity-gap reminder (with time travel)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role
from activities.models import Activity, ActivityPlan, DutyReport
from activities.reminders import plan_activity_gap_reminders
from activities.services import activity_create
from deputies.models import Deputy
from notices.reminders import PLANNERS, due_reminders
from stations.models import Station
from surveys.models import Survey
from surveys.reminders import plan_survey_window_reminders
from tests.accounts.factories import UserFactory
from tests.stations.factories import MembershipFactory, StationFactory, StationStaffFactory

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day: str, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def officer(login_api, demo_user):
    return login_api(demo_user("officer"))


def new_activity(client, **body):
    data = {
        "station": "YL-001",
        "kind": "public_service",
        "date": timezone.localdate().isoformat(),
        "title": "律师代表公益法律咨询",
        "people_reached": 35,
        "campaign": "三个一",
        **body,
    }
    return client.post("/api/v1/activities/", data, format="json")


def test_an_officer_records_an_activity_of_their_station(officer):
    deputy = Deputy.objects.filter(memberships__station__code="YL-001").first()
    response = new_activity(officer, deputies=[deputy.pk])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["station"] == "YL-001" and body["deputies"] == [{"id": deputy.pk, "name": deputy.name}]
    assert Activity.objects.get(pk=body["id"]).created_by.username == "officer"


def test_an_activity_dated_in_a_future_year_is_refused_and_nothing_saved(officer):
    before = Activity.objects.count()
    next_year = datetime.date(timezone.localdate().year + 1, 1, 15)
    response = new_activity(officer, date=next_year.isoformat())
    assert response.status_code == 400
    assert "future year" in response.json()["detail"]  # the API client asks for English (conftest)
    assert Activity.objects.count() == before


@pytest.mark.parametrize(
    "bad", [{"kind": "party"}, {"people_reached": -1}, {"title": ""}, {"station": "YL-002"}, {"date": "2025-13-01"}]
)
def test_bad_activity_input_is_a_400(officer, bad):
    before = Activity.objects.count()
    assert new_activity(officer, **bad).status_code == 400
    assert Activity.objects.count() == before


def test_street_staff_and_deputies_cannot_record_activities(login_api, demo_user):
    for username in ("street", "deputy"):
        assert new_activity(login_api(demo_user(username))).status_code == 403  # role refusal


def test_filters_and_public_reads(api):
    rows = api.get("/api/v1/activities/?station=YL-003&year=2025&kind=duty_report").json()["results"]
    assert len(rows) == 1 and rows[0]["kind"] == "duty_report" and rows[0]["date"].startswith("2025-12")
    ranged = api.get("/api/v1/activities/?date_from=2025-04-01&date_to=2025-06-30&page_size=200").json()["results"]
    assert ranged and all("2025-04-01" <= r["date"] <= "2025-06-30" for r in ranged)
    one = ranged[0]
    exact = api.get(f"/api/v1/activities/?date={one['date']}&station={one['station']}").json()["results"]
    assert one["id"] in [r["id"] for r in exact]
    campaign = api.get("/api/v1/activities/?campaign=强省会&page_size=5").json()["results"]
    assert campaign and all("强省会" in r["campaign"] for r in campaign)
    for bad in ("year=20x5", "kind=party", "date_from=yesterday"):
        assert api.get(f"/api/v1/activities/?{bad}").status_code == 400, bad


def test_staff_see_only_their_scope(login_api, demo_user):
    rows = login_api(demo_user("officer")).get("/api/v1/activities/?page_size=200").json()["results"]
    assert rows and {r["station"] for r in rows} == {"YL-001"}
    other = Activity.objects.exclude(station__code="YL-001").first()
    assert login_api(demo_user("officer")).get(f"/api/v1/activities/{other.pk}/").status_code == 404


def test_the_activity_list_keeps_a_fixed_number_of_queries(api, django_assert_num_queries):
    counts = []
    for size in (5, 100):
        with django_assert_num_queries(3) as captured:  # the page, its deputies, its photos
            assert len(api.get(f"/api/v1/activities/?page_size={size}").json()["results"]) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_plans_saved_and_published_by_the_station(officer, api):
    year = timezone.localdate().year + 1
    items = [
        {"quarter": 1, "kind": "study_exchange", "title": "学习交流"},
        {"month": 6, "kind": "publicity", "title": "宣讲"},
    ]
    created = officer.post(
        "/api/v1/activity-plans/", {"station": "YL-001", "year": year, "items": items}, format="json"
    ).json()
    assert created["published_at"] is None and len(created["items"]) == 2
    public = api.get(f"/api/v1/activity-plans/?station=YL-001&year={year}").json()["results"]
    assert public == []  # drafts are not public
    published = officer.post(f"/api/v1/activity-plans/{created['id']}/publish/").json()
    assert published["published_at"]
    assert officer.post(f"/api/v1/activity-plans/{created['id']}/publish/").status_code == 409
    assert [p["id"] for p in api.get(f"/api/v1/activity-plans/?station=YL-001&year={year}").json()["results"]] == [
        created["id"]
    ]
    bad = {"station": "YL-001", "year": year, "items": [{"kind": "publicity", "title": "x"}]}
    assert officer.post("/api/v1/activity-plans/", bad, format="json").status_code == 400


def test_the_public_station_activities_page_shows_the_plan_and_activities(client):
    plan = ActivityPlan.objects.filter(year=2025, published_at__isnull=False).select_related("station").first()
    html = client.get(f"/stations/{plan.station.code}/activities/?year=2025").content.decode()
    assert plan.items.first().title in html
    activity = Activity.objects.filter(station=plan.station, date__year=2025).order_by("-date").first()
    assert activity.title in html
    assert client.get("/stations/NOPE/activities/").status_code == 404


def test_duty_reports_by_a_resident_deputy_or_the_station(officer):
    deputy = Deputy.objects.filter(memberships__station__code="YL-001").first()
    day = timezone.localdate().isoformat()
    ok = officer.post(
        "/api/v1/duty-reports/", {"station": "YL-001", "deputy": deputy.pk, "date": day, "audience": 60}, format="json"
    )
    assert ok.status_code == 201 and ok.json()["deputy"]["id"] == deputy.pk
    again = officer.post(
        "/api/v1/duty-reports/", {"station": "YL-001", "deputy": deputy.pk, "date": day, "audience": 60}, format="json"
    )
    assert again.status_code == 409
    stranger = Deputy.objects.exclude(memberships__station__code="YL-001").first()
    response = officer.post(
        "/api/v1/duty-reports/", {"station": "YL-001", "deputy": stranger.pk, "date": day, "audience": 5}, format="json"
    )
    assert response.status_code == 400
    station = officer.post("/api/v1/duty-reports/", {"station": "YL-001", "date": day, "audience": 80}, format="json")
    assert station.status_code == 201 and station.json()["deputy"] is None
    assert DutyReport.objects.filter(station__code="YL-001", date=day).count() == 2


# --- the quarterly gap reminder ---------------------------------------------------------------------------------


@pytest.fixture
def quiet_station():
    """A station of its own (head and officer) with an activity in Q1 2027 only."""
    station = StationFactory(code="TS-GAP")
    head = StationStaffFactory(station=station, role="head", user=UserFactory(username="gap-head", role=Role.HEAD))
    officer = StationStaffFactory(
        station=station, role="officer", user=UserFactory(username="gap-officer", role=Role.OFFICER, email="o@x.cn")
    )
    Activity.objects.create(station=station, kind="research", date=datetime.date(2027, 2, 10), title="调研")
    return station, head.user, officer.user


def gap_reminders_for(station, today):
    return [r for r in plan_activity_gap_reminders(today=today) if r.station_id == station.pk]


def test_the_activity_gap_planner_is_registered():
    assert PLANNERS["activity_gap"] is plan_activity_gap_reminders
    assert PLANNERS["survey_window"] is plan_survey_window_reminders


def test_gap_reminder_on_the_first_day_of_the_quarters_last_month(quiet_station):
    station, head, officer = quiet_station
    with time_machine.travel(at("2027-05-31"), tick=False):
        assert gap_reminders_for(station, timezone.localdate()) == []  # not yet: June is the last month
    with time_machine.travel(at("2027-06-01"), tick=False):
        today = timezone.localdate()
        reminders = gap_reminders_for(station, today)
        assert {r.recipient_user_id for r in reminders} == {head.pk, officer.pk}
        assert {r.key for r in reminders} == {f"activity_gap:{station.pk}:2027Q2"}
        assert all(r.kind == "activity_gap" and station.name in r.text for r in reminders)
        channels = {r.recipient_user_id: r.channels for r in reminders}
        assert channels[officer.pk] == ("site", "email") and channels[head.pk] == ("site",)
        # Through the generic interface too, and a second run plans the same occurrence (deduplicated by key).
        assert {r.key for r in due_reminders(today=today) if r.station_id == station.pk} == {
            f"activity_gap:{station.pk}:2027Q2"
        }
        assert gap_reminders_for(station, today) == reminders


def test_no_gap_reminder_when_the_quarter_has_an_activity(quiet_station):
    station, _head, _officer = quiet_station
    with time_machine.travel(at("2027-03-01"), tick=False):
        assert gap_reminders_for(station, timezone.localdate()) == []  # Q1 had the February activity
    Activity.objects.create(station=station, kind="publicity", date=datetime.date(2027, 5, 20), title="宣讲")
    with time_machine.travel(at("2027-06-01"), tick=False):
        assert gap_reminders_for(station, timezone.localdate()) == []


def test_a_missed_day_is_caught_up_later_in_the_month_with_the_same_key(quiet_station):
    station, _head, _officer = quiet_station
    with time_machine.travel(at("2027-06-03"), tick=False):
        keys = {r.key for r in gap_reminders_for(station, timezone.localdate())}
    assert keys == {f"activity_gap:{station.pk}:2027Q2"}
    with time_machine.travel(at("2027-07-01"), tick=False):  # a new quarter: nothing until 1 September
        assert gap_reminders_for(station, timezone.localdate()) == []


def test_inactive_stations_and_departed_staff_get_no_reminder(quiet_station):
    station, head, _officer = quiet_station
    head.station_posts.update(until=datetime.date(2027, 5, 1))
    with time_machine.travel(at("2027-06-01"), tick=False):
        assert head.pk not in {r.recipient_user_id for r in gap_reminders_for(station, timezone.localdate())}
    Station.objects.filter(pk=station.pk).update(is_active=False)
    with time_machine.travel(at("2027-06-01"), tick=False):
        assert gap_reminders_for(station, timezone.localdate()) == []


def test_survey_window_reminder_while_the_survey_is_open(quiet_station):
    station, head, officer = quiet_station
    MembershipFactory(station=station)
    survey = Survey.objects.create(
        station=station, year=2027, opens_on=datetime.date(2027, 12, 10), closes_on=datetime.date(2027, 12, 31)
    )
    mine = lambda today: [r for r in plan_survey_window_reminders(today=today) if r.station_id == station.pk]  # noqa: E731
    assert mine(datetime.date(2027, 12, 9)) == []
    reminders = mine(datetime.date(2027, 12, 10))
    assert {r.recipient_user_id for r in reminders} == {head.pk, officer.pk}
    assert {r.key for r in reminders} == {f"survey_window:{survey.pk}:open"}
    assert mine(datetime.date(2028, 1, 1)) == []


def test_activity_service_rejects_future_year_directly(demo_user):
    station = Station.objects.get(code="YL-001")
    from core.api import DomainError

    with pytest.raises(DomainError):
        activity_create(
            station=station,
            kind="research",
            date=datetime.date(timezone.localdate().year + 1, 1, 1),
            title="t",
            by=demo_user("officer"),
        )


# --- the desk pages ---------------------------------------------------------------------------------------------


def test_an_officer_records_an_activity_at_the_desk(client, demo_user):
    client.force_login(demo_user("officer"))
    page = client.get("/desk/activities/")
    assert page.status_code == 200 and page.context["station"].code == "YL-001"
    deputy = page.context["form"].fields["deputies"].queryset.first()
    today = timezone.localdate()
    response = client.post(
        "/desk/activities/",
        {"kind": "training", "date": today.isoformat(), "title": "联络员业务培训", "people_reached": 20,
         "deputies": [deputy.pk], "campaign": "", "summary": ""},
    )  # fmt: skip
    assert response.status_code == 302
    activity = Activity.objects.get(station__code="YL-001", title="联络员业务培训")
    assert list(activity.deputies.all()) == [deputy]
    future = client.post(
        "/desk/activities/",
        {"kind": "training", "date": f"{today.year + 1}-01-05", "title": "明年的培训", "people_reached": 1},
    )
    assert future.status_code == 400 and not Activity.objects.filter(title="明年的培训").exists()
    assert client.get("/desk/activities/?station=YL-002").status_code == 404


def test_street_staff_see_the_activities_page_without_the_form(client, demo_user):
    client.force_login(demo_user("street"))
    page = client.get("/desk/activities/?station=YL-002&year=2025")
    assert page.status_code == 200 and page.context["can_write"] is False
    assert 'enctype="multipart/form-data"' not in page.content.decode()
    assert client.post("/desk/activities/?station=YL-002", {"kind": "training"}).status_code == 403  # role refusal


def test_the_plan_is_built_and_published_at_the_desk(client, demo_user, api):
    client.force_login(demo_user("officer"))
    year = timezone.localdate().year + 1
    url = f"/desk/activities/plan/?station=YL-001&year={year}"
    assert client.get(url).context["plan"] is None
    for period, title in (("m5", "五月宣讲"), ("q1", "一季度学习交流"), ("m2", "二月调研")):
        response = client.post(url, {"action": "add", "period": period, "kind": "publicity", "title": title})
        assert response.status_code == 302
    plan = client.get(url).context["plan"]
    assert [i.title for i in plan.items.all()] == ["一季度学习交流", "二月调研", "五月宣讲"]  # calendar order
    client.post(url, {"action": "remove", "index": "1"})
    assert [i.title for i in ActivityPlan.objects.get(pk=plan.pk).items.order_by("id")] == [
        "一季度学习交流",
        "五月宣讲",
    ]
    assert client.post(url, {"action": "add", "period": "", "kind": "publicity", "title": "x"}).status_code == 400
    assert client.post(url, {"action": "publish"}).status_code == 302
    assert ActivityPlan.objects.get(pk=plan.pk).published_at is not None
    public = api.get(f"/api/v1/activity-plans/?station=YL-001&year={year}").json()["results"]
    assert [i["title"] for i in public[0]["items"]] == ["一季度学习交流", "五月宣讲"]


def test_photos_are_uploaded_to_an_activity(officer, api):
    import io as _io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    activity = Activity.objects.filter(station__code="YL-001").first()
    buffer = _io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    upload = SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")
    response = officer.post(f"/api/v1/activities/{activity.pk}/photos/", {"image": upload, "caption": "现场"})
    assert response.status_code == 201, response.content
    assert activity.photos.get().caption == "现场"
    public = api.get(f"/api/v1/activities/{activity.pk}/").json()
    assert public["photos"][0]["caption"] == "现场"
    not_image = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    assert officer.post(f"/api/v1/activities/{activity.pk}/photos/", {"image": not_image}).status_code == 400


def test_the_moved_models_kept_their_tables():
    """The models moved out of ``deputies`` with their tables; the many-to-many table follows ``db_table``."""
    from activities.models import ActivityPhoto, ActivityPlanItem

    tables = {
        m._meta.label: m._meta.db_table for m in (Activity, ActivityPhoto, ActivityPlan, ActivityPlanItem, DutyReport)
    }
    assert tables == {
        "activities.Activity": "deputies_activity",
        "activities.ActivityPhoto": "deputies_activityphoto",
        "activities.ActivityPlan": "deputies_activityplan",
        "activities.ActivityPlanItem": "deputies_activityplanitem",
        "activities.DutyReport": "deputies_dutyreport",
    }
    assert Activity.deputies.through._meta.db_table == "deputies_activity_deputies"
