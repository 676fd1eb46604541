"""The yearly evaluation: scheme as data, rules with evidence, totals, grades, ranks, overrides, freezing."""

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from reports import evaluation
from reports.models import EvaluationAudit, EvaluationScheme, ItemScore, StationEvaluation
from reports.rules import RULES
from stations.models import Station

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme_2025():
    return EvaluationScheme.objects.get(year=2025)


@pytest.fixture
def computed(scheme_2025):
    return evaluation.compute_evaluation(scheme=scheme_2025)


def test_default_scheme_is_26_items_worth_100(scheme_2025):
    items = list(scheme_2025.items.select_related("category"))
    assert len(items) == 26
    assert sum(i.max_score for i in items) == 100
    by_category = Counter()
    for i in items:
        by_category[i.category.code] += i.max_score
    assert by_category == {"A": 14, "B": 14, "C": 14, "D": 18, "E": 24, "F": 16}
    assert {i.code for i in items if i.kind == "manual"} == {"A2", "A3", "E2"}
    assert all(i.rule in RULES for i in items if i.kind == "auto")


@pytest.mark.parametrize(
    "value,expected",
    [
        ("0", "0"),
        ("0.24", "0"),
        ("0.25", "0.5"),
        ("1.74", "1.5"),
        ("1.75", "2.0"),
        ("4", "4"),
    ],
)
def test_round_half(value, expected):
    assert evaluation.round_half(Decimal(value)) == Decimal(expected)


@pytest.mark.parametrize(
    "total,grade",
    [
        (100, "excellent"),
        (90, "excellent"),
        (89.5, "good"),
        (80, "good"),
        (79.5, "pass"),
        (60, "pass"),
        (59.5, "fail"),
        (0, "fail"),
    ],
)
def test_grades(total, grade):
    assert evaluation.grade_for(Decimal(str(total))) == grade


def test_demo_year_scores_41_stations(computed):
    assert len(computed) == 41
    sheets = StationEvaluation.objects.filter(scheme__year=2025).prefetch_related("scores__item")
    totals = []
    for sheet in sheets:
        scores = list(sheet.scores.all())
        assert len(scores) == 26
        assert sheet.total == sum(s.score for s in scores)
        assert sheet.grade == evaluation.grade_for(sheet.total)
        for s in scores:
            assert Decimal(0) <= s.score <= s.item.max_score
            if s.item.kind == "auto":
                assert s.evidence["summary"] or s.evidence["counted"] or s.evidence["missing"], s.item.code
        totals.append((sheet.rank, sheet.total))
    ranks = sorted(totals)
    assert [r for r, _ in ranks] == list(range(1, 42))
    assert [t for _, t in ranks] == sorted((t for _, t in ranks), reverse=True)
    assert len({t for _, t in totals}) >= 10, "the demo's gaps must show in the totals"


def test_d1_evidence_names_missing_visit_logs(computed):
    d1 = ItemScore.objects.filter(evaluation__scheme__year=2025, item__code="D1")
    gaps = [s for s in d1 if s.evidence["missing"]]
    assert gaps, "the demo leaves some reception days without a visit log"
    assert any("no visit log for the reception days of 2025-" in m for s in gaps for m in s.evidence_text["missing"])
    full = [s for s in d1 if not s.evidence["missing"]]
    assert all(s.score == s.item.max_score for s in full)


def test_awards_go_to_top_excellent_stations(computed, scheme_2025):
    awarded = StationEvaluation.objects.filter(scheme=scheme_2025, awarded=True).order_by("rank")
    excellent = StationEvaluation.objects.filter(scheme=scheme_2025, grade="excellent").order_by("rank")
    assert list(awarded) == list(excellent[: scheme_2025.award_count])


def test_manual_score_and_override_are_audited(computed, scheme_2025, demo_user):
    sheet = StationEvaluation.objects.get(scheme=scheme_2025, station__code="YL-001")
    evaluation.set_item_score(evaluation=sheet, item_code="A2", score="2.5", reason="实地检查", by=demo_user("county"))
    evaluation.set_item_score(
        evaluation=sheet, item_code="D1", score="1", reason="核查：台账补录不实", by=demo_user("county")
    )
    sheet.refresh_from_db()
    scores = {s.item.code: s for s in sheet.scores.select_related("item")}
    assert scores["A2"].score == Decimal("2.5") and scores["D1"].score == Decimal("1")
    assert sheet.total == sum(s.score for s in scores.values())
    actions = set(EvaluationAudit.objects.filter(station=sheet.station).values_list("action", flat=True))
    assert {"manual_score", "override"} <= actions
    # A recomputation keeps what staff set.
    evaluation.compute_evaluation(scheme=scheme_2025)
    assert ItemScore.objects.get(evaluation=sheet, item__code="D1").score == Decimal("1")


@pytest.mark.parametrize("score,reason", [("3.5", "超出"), ("-1", "负数"), ("2", ""), ("abc", "x")])
def test_bad_manual_scores_are_refused(computed, scheme_2025, demo_user, score, reason):
    from core.api import DomainError

    sheet = StationEvaluation.objects.get(scheme=scheme_2025, station__code="YL-002")
    before = ItemScore.objects.get(evaluation=sheet, item__code="A2").score
    with pytest.raises(DomainError):
        evaluation.set_item_score(evaluation=sheet, item_code="A2", score=score, reason=reason, by=demo_user("county"))
    assert ItemScore.objects.get(evaluation=sheet, item__code="A2").score == before


def test_published_year_is_frozen_until_unfrozen(computed, scheme_2025, demo_user):
    from core.api import ConflictError, DomainError

    county = demo_user("county")
    evaluation.publish(scheme=scheme_2025, by=county)
    with pytest.raises(ConflictError):
        evaluation.compute_evaluation(scheme=scheme_2025)
    sheet = StationEvaluation.objects.get(scheme=scheme_2025, station__code="YL-003")
    with pytest.raises(ConflictError):
        evaluation.set_item_score(evaluation=sheet, item_code="A2", score="1", reason="x", by=county)
    with pytest.raises(DomainError):
        evaluation.unfreeze(scheme=scheme_2025, by=county, reason=" ")
    evaluation.unfreeze(scheme=scheme_2025, by=county, reason="复核申诉")
    evaluation.compute_evaluation(scheme=scheme_2025)
    assert list(EvaluationAudit.objects.filter(scheme=scheme_2025).values_list("action", flat=True)[:3]) == [
        "compute",
        "unfreeze",
        "publish",
    ]


def test_copy_scheme_for_a_new_year(scheme_2025):
    new = evaluation.copy_scheme(source=scheme_2025, year=2027)
    assert new.items.count() == 26 and new.categories.count() == 6
    assert {i.code: i.params for i in new.items.all()} == {i.code: i.params for i in scheme_2025.items.all()}


def test_compute_evaluation_command(scheme_2025):
    out = io.StringIO()
    call_command("compute_evaluation", "--year", "2025", stdout=out)
    assert "41 stations scored" in out.getvalue()
    out = io.StringIO()
    call_command("compute_evaluation", "--year", "2025", "--station", "YL-001", stdout=out)
    assert "YL-001" in out.getvalue()


@pytest.mark.parametrize(
    "args,message",
    [
        (["--year", "1999"], "no evaluation scheme"),
        (["--year", "abc"], "year must be a number"),
        (["--year", "2025", "--station", "YL-999"], "Unknown station"),
    ],
)
def test_compute_evaluation_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("compute_evaluation", *args)


# ---- API ---------------------------------------------------------------------------------------------------------


def test_evaluations_api(computed, login_api, demo_user):
    body = login_api(demo_user("county")).get("/api/v1/evaluations/?year=2025&page_size=100").json()
    assert len(body["results"]) == 41
    first = body["results"][0]
    assert first["rank"] == 1 and first["grade"] in {"excellent", "good", "pass", "fail"}
    assert len(first["items"]) == 26
    assert {"code", "name", "score", "max", "kind", "evidence"} <= set(first["items"][0])
    assert [i["code"] for i in first["items"]][:3] == ["A1", "A2", "A3"]


def test_evidence_is_stored_once_and_read_in_the_language_of_the_request(computed, demo_user):
    """Evidence is stored as messages (no language), and the API, like every page, renders it for its reader."""
    from rest_framework.test import APIClient

    stored = ItemScore.objects.get(evaluation__scheme__year=2025, evaluation__station__code="YL-001", item__code="A1")
    assert stored.evidence["missing"] == [{"msg": "no %(what)s", "params": {"what": {"msg": "layout picture"}}}]

    def a1(language):
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        client.force_authenticate(demo_user("county"))
        body = client.get("/api/v1/evaluations/?year=2025&station=YL-001").json()
        (item,) = [i for i in body["results"][0]["items"] if i["code"] == "A1"]
        return item["evidence"]

    english, chinese = a1("en"), a1("zh-hans")
    assert english["missing"] == ["no layout picture"] and english["summary"] == "3/4 set"
    assert chinese["missing"] == ["缺少站点设置示意图"] and chinese["summary"] == "已设置 3/4 项"
    assert all(isinstance(v, str) for v in [chinese["summary"], *chinese["counted"], *chinese["missing"]])


def test_evaluations_api_is_scoped(computed, login_api, demo_user):
    officer = login_api(demo_user("officer"))
    body = officer.get("/api/v1/evaluations/?year=2025").json()
    assert [r["station"] for r in body["results"]] == ["YL-001"]
    other = StationEvaluation.objects.get(scheme__year=2025, station__code="YL-002").pk
    assert officer.get(f"/api/v1/evaluations/{other}/").status_code == 404
    street = login_api(demo_user("street")).get("/api/v1/evaluations/?year=2025").json()
    assert {r["station"] for r in street["results"]} == {"YL-001", "YL-002"}


@pytest.mark.parametrize("query,status", [("", 400), ("?year=abc", 400), ("?year=1990", 400), ("?year=2024", 404)])
def test_evaluations_api_year_errors(login_api, demo_user, query, status):
    response = login_api(demo_user("county")).get(f"/api/v1/evaluations/{query}")
    assert response.status_code == status
    assert ("year" in response.json()) if status == 400 else ("detail" in response.json())


def test_evaluation_api_writes(computed, login_api, demo_user):
    county = login_api(demo_user("county"))
    sheet = StationEvaluation.objects.get(scheme__year=2025, station__code="YL-004")
    url = f"/api/v1/evaluations/{sheet.pk}/score/"
    assert county.post(url, {"item": "A2", "score": "9", "reason": "x"}).status_code == 400
    assert county.post(url, {"item": "A2", "score": "2"}).status_code == 400
    ok = county.post(url, {"item": "A2", "score": "2", "reason": "实地检查"})
    assert ok.status_code == 200
    assert next(i for i in ok.json()["items"] if i["code"] == "A2")["score"] == 2
    assert login_api(demo_user("officer")).post(url, {"item": "A2", "score": "3", "reason": "x"}).status_code == 404
    street_sheet = StationEvaluation.objects.get(scheme__year=2025, station__code="YL-001").pk
    assert (
        login_api(demo_user("street"))
        .post(f"/api/v1/evaluations/{street_sheet}/score/", {"item": "A2", "score": "3", "reason": "x"})
        .status_code
        == 403
    )
    recompute = county.post("/api/v1/evaluations/compute/", {"year": 2025, "station": "YL-004"})
    assert recompute.status_code == 200 and recompute.json()[0]["station"] == "YL-004"
    evaluation.publish(scheme=sheet.scheme, by=demo_user("county"))
    assert county.post("/api/v1/evaluations/compute/", {"year": 2025}).status_code == 409
    assert county.post("/api/v1/evaluations/compute/", {"year": 2031}).status_code == 404


def test_evaluation_list_query_count(computed, login_api, demo_user, django_assert_max_num_queries):
    client = login_api(demo_user("county"))
    for size in (5, 41):
        with django_assert_max_num_queries(4):
            assert len(client.get(f"/api/v1/evaluations/?year=2025&page_size={size}").json()["results"]) == size


# ---- pages ------------------------------------------------------------------------------------------------------


def test_evaluation_pages(computed, client, demo_user):
    client.force_login(demo_user("county"))
    overview = client.get("/dashboard/evaluation/?year=2025")
    assert overview.status_code == 200 and "YL-001" in overview.text
    sheet = client.get("/dashboard/evaluation/YL-001/?year=2025")
    assert sheet.status_code == 200 and "D1" in sheet.text
    response = client.post(
        "/dashboard/evaluation/YL-001/score/", {"year": 2025, "item": "A3", "score": "2.5", "reason": "实地检查"}
    )
    assert response.status_code == 302
    assert ItemScore.objects.get(
        evaluation__station__code="YL-001", evaluation__scheme__year=2025, item__code="A3"
    ).score == Decimal("2.5")
    assert client.get("/dashboard/evaluation/export.xlsx?year=2025").status_code == 200


def test_officer_live_preview(client, demo_user):
    client.force_login(demo_user("officer"))
    page = client.get("/desk/evaluation/?year=2026")
    assert page.status_code == 200
    own = Station.objects.get(code="YL-001")
    assert f'<h1 class="h3">{own.name} · ' in page.text  # the officer's own station's sheet
    assert client.get("/dashboard/evaluation/YL-002/?year=2025").status_code == 404
    assert client.get("/dashboard/evaluation/").status_code == 302


def test_computing_the_year_costs_a_fixed_number_of_queries(scheme_2025, django_assert_max_num_queries):
    """Rules read the year's data in bulk, and sheets are written in bulk: no query per station."""
    with django_assert_max_num_queries(60):
        evaluation.compute_evaluation(scheme=scheme_2025)


def test_evidence_reads_old_plain_strings_and_survives_unknown_values():
    from reports.evidence import choice, message, render, rendered

    assert render("no layout picture") == "no layout picture"  # evidence stored before messages: shown as is
    assert render(choice("level", "city")) == "City"
    assert render(choice("level", "galactic")) == "galactic"
    assert render(message("%(n)s/4 set", n=3)) == "3/4 set"
    assert rendered({"summary": message("no %(what)s", what=message("address"))}) == {
        "summary": "no address",
        "counted": [],
        "missing": [],
    }
