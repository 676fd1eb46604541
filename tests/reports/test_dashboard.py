"""Dashboard: rollups kept equal to the records, the summary's scoping and figures, the page and its exports."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.db import transaction
from openpyxl import load_workbook

from reports import rollups
from reports.models import StationMonth

pytestmark = pytest.mark.django_db

SEED_2025 = {
    "stations": 41,
    "deputies_by_level": {"national": 0, "provincial": 21, "city": 53, "county": 299, "township": 148},
    "people_received": 2379,
    "people_visited": 8724,
    "opinions_received": 335,
    "opinions_resolved": 199,
    "practical_matters": 1352,
    "suggestions_by_category": {"development": 13, "livelihood": 33, "rural": 5},
    "survey_participants": 1276,
}


def table():
    return {
        (r.station_id, r.month): {f: getattr(r, f) for f in StationMonth.FIGURES}
        for r in StationMonth.objects.all()
        if any(getattr(r, f) for f in StationMonth.FIGURES)
    }


def recomputed():
    return {k: v for k, v in rollups._figures(None).items() if any(v.values())}


def test_county_summary_2025_is_the_seed(login_api, demo_user):
    body = login_api(demo_user("county")).get("/api/v1/dashboard/summary/?year=2025").json()
    for key, value in SEED_2025.items():
        assert body[key] == value, key
    assert body["activities"] >= 310
    assert 0 < body["satisfaction_rate"] <= 100


def test_summary_keys_are_the_contract(login_api, demo_user):
    body = login_api(demo_user("county")).get("/api/v1/dashboard/summary/?year=2025").json()
    assert {
        "stations",
        "deputies_by_level",
        "people_received",
        "people_visited",
        "opinions_received",
        "opinions_resolved",
        "practical_matters",
        "activities",
        "suggestions_by_category",
        "survey_participants",
        "satisfaction_rate",
    } <= set(body)


def test_street_gets_its_street_and_officer_their_station(login_api, demo_user):
    county = login_api(demo_user("county")).get("/api/v1/dashboard/summary/?year=2025&station=YL-001").json()
    street = login_api(demo_user("street")).get("/api/v1/dashboard/summary/?year=2025").json()
    assert street["stations"] == 2
    assert street["people_received"] < SEED_2025["people_received"]
    officer = login_api(demo_user("officer")).get("/api/v1/dashboard/summary/?year=2025").json()
    assert officer["stations"] == 1
    assert officer["people_received"] == county["people_received"]


@pytest.mark.parametrize(
    "user,query,status",
    [
        ("officer", "?area=1", 403),
        ("officer", "?station=YL-002", 404),
        ("street", "?station=YL-010", 404),
        ("deputy", "", 403),
        ("county", "?year=abc", 400),
        ("county", "?year=1850", 400),
        ("county", "?month_from=13", 400),
        ("county", "?kind=castle", 400),
        ("county", "?area=abc", 400),
        ("county", "?area=99999999", 404),
    ],
)
def test_summary_bad_input_and_scope(login_api, demo_user, user, query, status):
    response = login_api(demo_user(user)).get(f"/api/v1/dashboard/summary/{query}")
    assert response.status_code == status, response.content


def test_street_area_outside_scope_is_404(login_api, demo_user):
    from stations.models import Area

    other = Area.objects.get(code="430104005")  # 观沙岭街道, not the street user's
    assert login_api(demo_user("street")).get(f"/api/v1/dashboard/summary/?area={other.pk}").status_code == 404
    mine = demo_user("street").area_id
    assert login_api(demo_user("street")).get(f"/api/v1/dashboard/summary/?area={mine}").status_code == 200


def test_summary_needs_login(api):
    assert api.get("/api/v1/dashboard/summary/").status_code == 401


def test_summary_query_count_is_fixed(login_api, demo_user, django_assert_max_num_queries):
    client = login_api(demo_user("county"))
    with django_assert_max_num_queries(4):  # scope + stations + deputies by level + rollups
        assert client.get("/api/v1/dashboard/summary/?year=2025").status_code == 200


def test_rollups_match_records_after_the_demo_seed():
    assert table() == recomputed()


def test_rebuild_rollups_command():
    StationMonth.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "rebuilt" in out.getvalue()
    assert table() == recomputed()


def test_rollups_stay_equal_to_records_after_random_writes(demo_user, django_capture_on_commit_callbacks):
    """A random sequence of creates, edits (moving records between stations and months) and deletes through
    the ORM — each in its own transaction, some rolled back — leaves the rollups equal to a recomputation."""
    from activities.models import Activity
    from stations.models import Station
    from visits.codes import new_tracking_code
    from visits.models import Opinion, Outreach, PracticalMatter, VisitLog

    rng = random.Random(7)
    stations = list(Station.objects.order_by("code")[:6])
    deputy = stations[0].memberships.first().deputy
    made = []

    def random_day():
        return datetime.date(2025, rng.randint(1, 12), rng.randint(1, 28))

    def create():
        station, day = rng.choice(stations), random_day()
        kind = rng.choice(["visit", "outreach", "matter", "activity", "opinion"])
        if kind == "visit":
            made.append(VisitLog.objects.create(station=station, date=day, people_count=rng.randint(1, 9)))
        elif kind == "outreach":
            made.append(
                Outreach.objects.create(
                    station=station, deputy=deputy, date=day, place="社区", people_count=rng.randint(1, 30)
                )
            )
        elif kind == "matter":
            made.append(PracticalMatter.objects.create(station=station, date=day, title="修路灯", beneficiaries=5))
        elif kind == "activity":
            made.append(Activity.objects.create(station=station, date=day, kind="research", title="调研"))
        else:
            made.append(
                Opinion.objects.create(
                    station=station,
                    channel="phone",
                    content="反映路灯不亮",
                    tracking_code=new_tracking_code(),
                    received_at=datetime.datetime(2025, day.month, day.day, 10, tzinfo=datetime.UTC),
                )
            )

    def edit():
        if not made:
            return
        record = rng.choice(made)
        record.station = rng.choice(stations)
        if hasattr(record, "date"):
            record.date = random_day()
        if hasattr(record, "people_count"):
            record.people_count = rng.randint(1, 50)
        if isinstance(record, Opinion):
            record.status, record.resolved = "closed", rng.random() < 0.5
        record.save()

    def delete():
        if made:
            made.pop(rng.randrange(len(made))).delete()

    for step in range(120):
        action = rng.choice([create, create, create, edit, edit, delete])
        # Each step commits (the test's own transaction hides real commits, so run the on-commit hooks).
        with django_capture_on_commit_callbacks(execute=True):
            if step % 10 == 9:
                try:
                    with transaction.atomic():
                        action()
                        raise RuntimeError("roll back")
                except RuntimeError:
                    made[:] = [r for r in made if type(r).objects.filter(pk=r.pk).exists()]
            else:
                with transaction.atomic():
                    action()
    assert table() == recomputed()


# ---- page and exports ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["county", "street"])
def test_dashboard_page(client, demo_user, username, django_assert_max_num_queries):
    client.force_login(demo_user(username))
    with django_assert_max_num_queries(15):
        page = client.get("/dashboard/?year=2025")
    assert page.status_code == 200
    assert "chart-trend" in page.text and "dashboard-data" in page.text
    assert "vendor/echarts/echarts.min" in page.text


def test_dashboard_drill_down(client, demo_user):
    client.force_login(demo_user("county"))
    street = demo_user("street").area_id
    page = client.get(f"/dashboard/?year=2025&area={street}")
    assert page.status_code == 200 and "YL-001" in page.text
    assert client.get("/dashboard/?year=2025&station=YL-001").status_code == 200
    assert client.get("/dashboard/?year=abc").status_code == 400


def test_dashboard_forbidden_to_deputies(client, demo_user):
    client.force_login(demo_user("deputy"))
    assert client.get("/dashboard/").status_code == 403


def test_dashboard_excel_export(client, demo_user):
    client.force_login(demo_user("county"))
    response = client.get("/dashboard/export.xlsx?year=2025")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(wb.sheetnames) == 3
    stations = list(wb.worksheets[1].iter_rows(values_only=True))
    assert len(stations) == 42 and stations[1][0] == "YL-001"
    summary = dict(wb.worksheets[0].iter_rows(values_only=True))
    assert 2379 in summary.values()


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_annual_report_pdf_renders_chinese(client, demo_user):
    client.force_login(demo_user("county"))
    response = client.get("/dashboard/annual-report.pdf?year=2025")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "2025年度代表联络站工作报告" in text
    assert "橘子洲街道" in text


def test_evaluation_pdf_renders_station_name(client, demo_user):
    from reports import evaluation
    from reports.models import EvaluationScheme

    evaluation.compute_evaluation(scheme=EvaluationScheme.objects.get(year=2025))
    client.force_login(demo_user("county"))
    response = client.get("/dashboard/evaluation/YL-009/sheet.pdf?year=2025")
    assert response.status_code == 200
    assert "观沙岭街道金融中心人大代表联络站" in _pdf_text(response.content)
    client.force_login(demo_user("officer"))
    assert client.get("/dashboard/evaluation/YL-009/sheet.pdf?year=2025").status_code == 404


def test_planner_closing_past_days_updates_rollups(django_capture_on_commit_callbacks):
    """The planner marks published days held with a queryset update (no signals); the rollups follow."""
    from stations.models import ReceptionDay
    from stations.notices import close_past_reception_days

    day = ReceptionDay.objects.filter(station__code="YL-003", scheduled_date="2025-06-28").get()
    with django_capture_on_commit_callbacks(execute=True):
        day.status = "published"
        day.save()
    held_before = StationMonth.objects.get(station=day.station, month=datetime.date(2025, 6, 1)).reception_days_held
    with django_capture_on_commit_callbacks(execute=True):
        assert close_past_reception_days(today=datetime.date(2026, 1, 1)) >= 1
    row = StationMonth.objects.get(station=day.station, month=datetime.date(2025, 6, 1))
    assert row.reception_days_held == held_before + 1
    assert table() == recomputed()


def test_deleting_a_station_leaves_rollups_consistent(django_capture_on_commit_callbacks):
    """Deleting a station's records and then the station in one transaction: the recomputation after commit
    skips the vanished station instead of failing on its foreign key."""
    from tests.stations.factories import StationFactory
    from visits.models import VisitLog

    station = StationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        VisitLog.objects.create(station=station, date=datetime.date(2025, 5, 5), people_count=3)
    assert StationMonth.objects.get(station=station).people_received == 3
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        VisitLog.objects.filter(station=station).delete()
        StationMonth.objects.filter(station=station).delete()
        station.delete()
    assert table() == recomputed()
