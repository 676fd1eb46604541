"""The demo's deputies' work matches the seed newsletter for 2025, through the API; the step is idempotent."""

import datetime
from collections import Counter

import pytest

from activities.models import Activity, ActivityPlan, DutyReport
from demo import STEPS, core, deputies_work
from suggestions.models import Suggestion
from surveys.models import Survey, SurveyAnswer, SurveyResponse

pytestmark = pytest.mark.django_db


def walk(client, url):
    results = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        results += body["results"]
        url = body["next"]
    return results


def test_the_step_is_registered_after_the_ledger():
    mine = STEPS.index("demo.deputies_work.seed")
    assert STEPS.index("demo.visits.seed") < mine  # suggestions link to the ledger's opinions
    if "demo.reports.seed" in STEPS:
        assert mine < STEPS.index("demo.reports.seed")  # the rollups count the deputies' work


@pytest.mark.parametrize("who", ["anonymous", "county"])
def test_2025_suggestions_by_category_are_13_33_5(api, login_api, demo_user, who):
    client = api if who == "anonymous" else login_api(demo_user("county"))
    counts = {}
    for category in ("development", "livelihood", "rural"):
        counts[category] = len(walk(client, f"/api/v1/suggestions/?year=2025&category={category}&page_size=200"))
    assert counts == {"development": 13, "livelihood": 33, "rural": 5}
    everything = walk(client, "/api/v1/suggestions/?year=2025&page_size=20")
    assert len(everything) == 51


def test_2025_suggestion_topics_come_from_the_seed():
    topics = Counter(t for ts in Suggestion.objects.filter(year=2025).values_list("topics", flat=True) for t in ts)
    seed_topics = {"营商环境", "产业融合", "中小企业纾困", "交通管理", "基层医疗", "小区提质", "人才培养"}
    seed_topics |= {"小微水体整治", "特色农业品牌"}
    assert set(topics) <= seed_topics
    assert set(topics) >= {"营商环境", "交通管理", "小微水体整治", "特色农业品牌"}
    # Every demo suggestion belongs to a station (so per-station dashboards add up to the district's figures).
    assert not Suggestion.objects.filter(year=2025, station__isnull=True).exists()


def test_2025_suggestions_are_handled_and_some_supervised():
    statuses = Counter(Suggestion.objects.filter(year=2025).values_list("status", flat=True))
    assert statuses["closed"] + statuses["assessed"] >= 40
    assert Suggestion.objects.filter(year=2025, supervised=True, supervision_activity__kind="suggestion_supervision")
    assert Suggestion.objects.filter(year=2025).exclude(source_opinions=None).exists()
    assert Suggestion.objects.filter(year=2025, extension_reason__gt="").exists()


def test_2025_has_at_least_310_activities_of_six_kinds_or_more(api):
    results = walk(api, "/api/v1/activities/?year=2025&page_size=200")
    assert len(results) >= 310
    assert len({a["kind"] for a in results}) >= 6
    assert {a["date"][:4] for a in results} == {"2025"}


def test_most_stations_hold_an_activity_every_quarter_but_a_few_have_gaps():
    quarters = {
        (s, (d.month - 1) // 3)
        for s, d in Activity.objects.filter(date__year=2025).values_list("station__code", "date")
    }
    missing = {
        code for code in [f"YL-{i:03d}" for i in range(1, 42)] if any((code, q) not in quarters for q in range(4))
    }
    assert 2 <= len(missing) <= 8


def test_2025_surveys_hold_1276_responses_through_the_api(api, login_api, demo_user):
    surveys = walk(api, "/api/v1/surveys/?year=2025&page_size=100")
    assert len(surveys) == 41 and len({s["station"] for s in surveys}) == 41
    assert sum(s["participants"] for s in surveys) == 1276
    rates = [s["satisfaction_rate"] for s in surveys]
    assert all(60 <= r <= 100 for r in rates)  # mostly satisfied
    county = login_api(demo_user("county"))
    one = surveys[0]
    ballots = walk(county, f"/api/v1/surveys/{one['id']}/responses/?page_size=200")
    assert len(ballots) == one["participants"]


def test_plans_mostly_on_time_some_late_a_few_missing():
    plans = dict(ActivityPlan.objects.filter(year=2025).values_list("station__code", "published_at"))
    deadline = datetime.date(2025, 1, 31)
    on_time = [c for c, at in plans.items() if at and at.date() <= deadline]
    late = [c for c, at in plans.items() if at and at.date() > deadline]
    assert len(on_time) >= 30 and 2 <= len(late) <= 8 and 41 - len(plans) >= 2


def test_year_end_duty_reports_by_stations_and_deputies():
    reports = DutyReport.objects.filter(date__year=2025)
    assert reports.filter(deputy__isnull=True).count() >= 35
    assert reports.filter(deputy__isnull=False).count() >= 80
    assert not reports.filter(date__month__lt=12).exists()


def test_2026_data_is_plausible_and_never_in_the_future():
    from django.utils import timezone

    today = timezone.localdate()
    assert Suggestion.objects.filter(year=2026).count() >= 40
    assert Activity.objects.filter(date__year=2026).count() >= 150
    assert not Activity.objects.filter(date__gt=today).exists()
    assert not Suggestion.objects.filter(filed_on__gt=today).exists()


def test_running_the_step_again_adds_nothing(django_assert_max_num_queries):
    models = [Suggestion, Activity, ActivityPlan, DutyReport, Survey, SurveyResponse, SurveyAnswer]
    before = [m.objects.count() for m in models]
    with django_assert_max_num_queries(60):
        deputies_work.seed(core.Context(scale=1))
    assert [m.objects.count() for m in models] == before


@pytest.mark.parametrize("model", ["suggestion", "activity", "activityplan", "dutyreport", "survey", "surveyresponse"])
def test_county_staff_browse_the_admin(client, demo_user, model):
    client.force_login(demo_user("county"))
    model_class, app_label = {
        "suggestion": (Suggestion, "suggestions"), "activity": (Activity, "activities"),
        "activityplan": (ActivityPlan, "activities"), "dutyreport": (DutyReport, "activities"),
        "survey": (Survey, "surveys"), "surveyresponse": (SurveyResponse, "surveys"),
    }[model]  # fmt: skip
    assert model_class._meta.app_label == app_label  # each has its own app, and so its own admin address
    listing = client.get(f"/admin/{app_label}/{model}/")
    assert listing.status_code == 200
    first = model_class.objects.order_by("pk").first()
    page = client.get(f"/admin/{app_label}/{model}/{first.pk}/change/")
    assert page.status_code == 200
    if model == "surveyresponse":
        assert first.phone_hash is None or first.phone_hash not in page.content.decode()
