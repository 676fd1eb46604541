"""Year-end satisfaction surveys: the public ballot page (one per phone, hashed, rate-limited), the API ballot,
paper ballots entered by officers, results, and responses without personal data."""

import datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from activities.models import DutyReport
from stations.models import Station
from surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from surveys.selectors import satisfaction_rate, survey_results
from surveys.services import hash_phone

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def survey():
    """An open survey of YL-001 for next year (so it never meets the demo's surveys), asking about the station
    and one deputy who reported."""
    station = Station.objects.get(code="YL-001")
    today = timezone.localdate()
    survey = Survey.objects.create(
        station=station, year=today.year + 1, title="测评", opens_on=today, closes_on=today + datetime.timedelta(20)
    )
    deputy = station.memberships.first().deputy
    SurveyQuestion.objects.create(survey=survey, deputy=None, order=0)
    SurveyQuestion.objects.create(survey=survey, deputy=deputy, order=1)
    return survey


def ballot(survey, station="satisfied", deputy="very_satisfied", phone=PHONE):
    station_q, deputy_q = survey.questions.order_by("order")
    data = {f"q{station_q.pk}": station, f"q{deputy_q.pk}": deputy}
    if phone is not None:
        data["phone"] = phone
    return data


def api_ballot(survey, station="satisfied", deputy="very_satisfied", phone=PHONE):
    station_q, deputy_q = survey.questions.order_by("order")
    return {
        "token": survey.token,
        "phone": phone,
        "answers": [{"question": station_q.pk, "rating": station}, {"question": deputy_q.pk, "rating": deputy}],
    }


def test_the_public_page_asks_about_the_station_and_each_reporting_deputy(client, survey):
    html = client.get(f"/surveys/{survey.token}/").content.decode()
    deputy = survey.questions.get(order=1).deputy
    assert deputy.name in html and 'name="phone"' in html and "<label" in html
    assert 'value="very_satisfied"' in html and 'value="not_satisfied"' in html
    assert client.get("/surveys/not-a-token/").status_code == 404


def test_one_ballot_per_phone_stored_only_as_a_salted_hash(client, survey):
    response = client.post(f"/surveys/{survey.token}/", ballot(survey))
    assert response.status_code == 200 and "survey_thanks" in [t.name.split("/")[-1][:-5] for t in response.templates]
    stored = SurveyResponse.objects.get(survey=survey)
    assert stored.channel == "online" and stored.phone_hash == hash_phone(survey=survey, phone=PHONE)
    assert PHONE not in stored.phone_hash and len(stored.phone_hash) == 64
    assert sorted(stored.answers.values_list("rating", flat=True)) == ["satisfied", "very_satisfied"]
    again = client.post(f"/surveys/{survey.token}/", ballot(survey, phone="139-1234-5678"))
    assert again.status_code == 400
    assert "该手机号已参加过本次测评。" in again.content.decode()  # the client asks for Chinese (conftest)
    in_english = client.post(f"/surveys/{survey.token}/", ballot(survey), HTTP_ACCEPT_LANGUAGE="en")
    assert "This phone number has already answered this survey." in in_english.content.decode()
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_the_hash_depends_on_the_salt_and_the_survey(survey):
    first = hash_phone(survey=survey, phone=PHONE)
    assert first == hash_phone(survey=survey, phone=PHONE)
    assert first != hash_phone(survey=Survey(pk=survey.pk + 1000), phone=PHONE)
    with override_settings(SURVEY_PHONE_SALT="another-salt"):
        assert hash_phone(survey=survey, phone=PHONE) != first


def test_the_api_ballot_and_its_bad_input(api, survey):
    assert api.post("/api/v1/surveys/respond/", api_ballot(survey), format="json").status_code == 201
    duplicate = api.post("/api/v1/surveys/respond/", api_ballot(survey), format="json")
    assert duplicate.status_code == 400 and duplicate.json()["code"] == "duplicate_phone"
    off_scale = api.post(
        "/api/v1/surveys/respond/", api_ballot(survey, station="great", phone="13900000001"), format="json"
    )
    assert off_scale.status_code == 400 and "scale" in off_scale.json()["detail"]
    bad_phone = api.post("/api/v1/surveys/respond/", api_ballot(survey, phone="12345"), format="json")
    assert bad_phone.status_code == 400
    no_station = api_ballot(survey, phone="13900000002")
    no_station["answers"] = no_station["answers"][1:]
    assert api.post("/api/v1/surveys/respond/", no_station, format="json").status_code == 400
    wrong_token = api.post("/api/v1/surveys/respond/", {**api_ballot(survey), "token": "nope"}, format="json")
    assert wrong_token.status_code == 404
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert SurveyAnswer.objects.filter(response__survey=survey).count() == 2


def test_a_closed_survey_takes_no_ballot(api, survey):
    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - datetime.timedelta(1),
                                               opens_on=timezone.localdate() - datetime.timedelta(5))  # fmt: skip
    response = api.post("/api/v1/surveys/respond/", api_ballot(survey), format="json")
    assert response.status_code == 400 and response.json()["code"] == "survey_closed"


@override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "survey-submit": {"minute": (3, 60)}})
def test_ballots_are_rate_limited_per_address(client, survey):
    codes = [
        client.post(f"/surveys/{survey.token}/", ballot(survey, phone=f"1390000000{i}")).status_code for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert SurveyResponse.objects.filter(survey=survey).count() == 3


def test_officers_enter_paper_ballots(client, demo_user, survey):
    client.force_login(demo_user("officer"))
    page = client.get(f"/desk/surveys/{survey.pk}/ballot/")
    assert page.status_code == 200 and 'name="phone"' not in page.content.decode()
    response = client.post(f"/desk/surveys/{survey.pk}/ballot/", ballot(survey, deputy="", phone=None))
    assert response.status_code == 302
    paper = SurveyResponse.objects.get(survey=survey)
    assert paper.channel == "paper" and paper.phone_hash is None and paper.entered_by.username == "officer"
    assert list(paper.answers.values_list("rating", flat=True)) == ["satisfied"]  # the deputy was skipped
    bad = client.post(f"/desk/surveys/{survey.pk}/ballot/", ballot(survey, station="great", phone=None))
    assert bad.status_code == 400
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_paper_ballots_through_the_api_and_scoping(login_api, demo_user, survey):
    station_q, _deputy_q = survey.questions.order_by("order")
    body = {"answers": [{"question": station_q.pk, "rating": "basically_satisfied"}]}
    created = login_api(demo_user("officer")).post(f"/api/v1/surveys/{survey.pk}/responses/", body, format="json")
    assert created.status_code == 201 and created.json()["channel"] == "paper"
    other = login_api(demo_user("officer-yl002"))
    assert other.post(f"/api/v1/surveys/{survey.pk}/responses/", body, format="json").status_code == 404


def test_the_ballot_page_of_another_station_is_a_404(client, demo_user, survey):
    client.force_login(demo_user("officer-yl002"))
    assert client.get(f"/desk/surveys/{survey.pk}/ballot/").status_code == 404
    client.force_login(demo_user("street"))  # street staff look, they do not enter ballots
    assert client.get(f"/desk/surveys/{survey.pk}/").status_code == 200
    assert client.get(f"/desk/surveys/{survey.pk}/ballot/").status_code == 403  # a role refusal


def test_responses_carry_no_personal_data(login_api, demo_user, api):
    county = login_api(demo_user("county"))
    survey = Survey.objects.filter(year=2025).first()
    rows = county.get(f"/api/v1/surveys/{survey.pk}/responses/?page_size=200").json()["results"]
    assert rows and set(rows[0]) == {"id", "channel", "submitted_at", "answers"}
    assert set(rows[0]["answers"][0]) == {"question", "deputy", "rating"}
    assert "phone" not in str(rows) and "hash" not in str(rows)
    assert api.get(f"/api/v1/surveys/{survey.pk}/responses/").status_code == 401
    public = api.get(f"/api/v1/surveys/{survey.pk}/").json()
    assert "token" not in public and public["participants"] == survey.responses.count()


def test_results_per_station_and_deputy(survey):
    station_q, deputy_q = survey.questions.order_by("order")
    ratings = ["very_satisfied", "satisfied", "basically_satisfied", "not_satisfied"]
    for i, rating in enumerate(ratings):
        response = SurveyResponse.objects.create(survey=survey, channel="paper")
        SurveyAnswer.objects.create(response=response, question=station_q, rating=rating)
        if i < 2:
            SurveyAnswer.objects.create(response=response, question=deputy_q, rating="satisfied")
    results = survey_results(survey=survey)
    assert results.participants == 4 and results.paper == 4
    assert results.station.rate == 50.0 and results.deputies[0].rate == 100.0
    assert results.rate == round(100 * 4 / 6, 1)
    assert satisfaction_rate(0, 0) is None


def test_the_survey_page_shows_results_link_and_qr(client, demo_user):
    client.force_login(demo_user("county"))
    survey = Survey.objects.filter(year=2025).select_related("station").first()
    html = client.get(f"/desk/surveys/{survey.pk}/").content.decode()
    assert survey.token in html and survey.station.name in html
    qr = client.get(f"/desk/surveys/{survey.pk}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_survey_list_keeps_a_fixed_number_of_queries(login_api, demo_user, django_assert_num_queries):
    for size in (5, 40):
        client = login_api(demo_user("county"))
        with django_assert_num_queries(2):  # the county's area, the page (counts are subqueries)
            rows = client.get(f"/api/v1/surveys/?year=2025&page_size={size}").json()["results"]
        assert len(rows) == size and all(r["satisfaction_rate"] is not None for r in rows)


def test_a_duty_report_adds_its_deputy_to_the_stations_survey(login_api, demo_user):
    station = Station.objects.get(code="YL-001")
    day = timezone.localdate()
    survey, _ = Survey.objects.get_or_create(
        station=station, year=day.year, defaults={"opens_on": day, "closes_on": day + datetime.timedelta(30)}
    )
    newcomer = station.memberships.exclude(deputy__in=survey.questions.exclude(deputy=None).values("deputy"))
    newcomer = newcomer.first().deputy
    response = login_api(demo_user("officer")).post(
        "/api/v1/duty-reports/",
        {"station": station.code, "deputy": newcomer.pk, "date": day.isoformat(), "audience": 30},
        format="json",
    )
    assert response.status_code == 201
    assert survey.questions.filter(deputy=newcomer).exists()
    assert survey.questions.filter(deputy=None).exists()
    assert DutyReport.objects.filter(deputy=newcomer, date=day).exists()


def test_open_surveys_command_and_task_are_idempotent():
    from io import StringIO

    from django.core.management import call_command

    from surveys.tasks import open_year_end_surveys

    year = timezone.localdate().year + 2
    out = StringIO()
    call_command("open_surveys", "--year", str(year), stdout=out)
    active = Station.objects.active().count()
    assert f"{active} survey(s) created" in out.getvalue()
    created = Survey.objects.filter(year=year)
    assert created.count() == active
    assert {(s.opens_on, s.closes_on) for s in created} == {(datetime.date(year, 12, 10), datetime.date(year, 12, 31))}
    assert all(s.questions.filter(deputy=None).exists() for s in created[:3])
    assert open_year_end_surveys.apply(args=[year]).get() == 0  # run in-process, broker or not
    assert Survey.objects.filter(year=year).count() == active


@pytest.mark.parametrize(
    "url,expected",
    [
        ("/api/v1/surveys/{survey}/responses/?page_size={size}", 4),  # area, the survey, the page, its answers
        ("/api/v1/duty-reports/?page_size={size}", 2),  # area, the page
        ("/api/v1/activity-plans/?page_size={size}", 3),  # area, the page, its items
    ],
)
def test_other_lists_keep_a_fixed_number_of_queries(login_api, demo_user, django_assert_num_queries, url, expected):
    survey = Survey.objects.filter(year=2025).order_by("pk").first()
    for size in (3, 30):
        client = login_api(demo_user("county"))
        with django_assert_num_queries(expected):
            response = client.get(url.format(survey=survey.pk, size=size))
        assert response.status_code == 200 and len(response.json()["results"]) == size


def test_the_moved_models_kept_their_tables():
    """The models moved out of ``deputies`` with their tables."""
    tables = {m._meta.label: m._meta.db_table for m in (Survey, SurveyQuestion, SurveyResponse, SurveyAnswer)}
    assert tables == {
        "surveys.Survey": "deputies_survey",
        "surveys.SurveyQuestion": "deputies_surveyquestion",
        "surveys.SurveyResponse": "deputies_surveyresponse",
        "surveys.SurveyAnswer": "deputies_surveyanswer",
    }
