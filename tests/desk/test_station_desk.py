"""The desk pages (htmx partials and plain posts) and the public pages of the opinion loop."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.notices.support import eager  # noqa: F401 - fixture
from visits.models import Opinion, ResponsibleUnit, UnmaskLog, VisitLog

pytestmark = pytest.mark.django_db

PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def browser(demo_user):
    def make(username):
        client = Client()
        client.force_login(demo_user(username))
        return client

    return make


def assert_no_personal_data(response):
    text = response.content.decode()
    assert not PHONE_RE.search(text), PHONE_RE.search(text)
    assert not ID_RE.search(text), ID_RE.search(text)


# ---------------------------------------------------------------------------------------------------------
# Desk


def test_officer_lands_on_their_station_desk(browser):
    response = browser("officer").get("/desk/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "YL-001" in html and 'name="people_count"' in html and "autofocus" in html
    assert_no_personal_data(response)


def test_county_and_street_pick_a_station_in_scope(browser):
    county = browser("county").get("/desk/")
    assert county.status_code == 200 and county.content.decode().count('href="/desk/YL-') == 41
    street = browser("street").get("/desk/")
    assert street.content.decode().count('href="/desk/YL-') == 2
    assert browser("street").get("/desk/YL-003/").status_code == 404
    assert browser("street").get("/desk/?station=YL-002").status_code == 200
    assert browser("officer").get("/desk/YL-002/").status_code == 404


def test_visit_log_by_htmx_keeps_the_day_and_focus_for_the_next_entry(browser):
    client = browser("officer")
    before = VisitLog.objects.filter(station__code="YL-001").count()
    today = timezone.localdate().isoformat()
    response = client.post("/desk/YL-001/visits/", {"date": today, "people_count": 4, "topics": "交通拥堵"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="visits"') and "<html" not in html
    assert 'id="v-people"' in html and "autofocus" in html and f'value="{today}"' in html
    assert "交通拥堵" in html  # in the recent list
    assert VisitLog.objects.filter(station__code="YL-001").count() == before + 1
    bad = client.post("/desk/YL-001/visits/", {"date": today, "people_count": 0}, **HTMX)
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    assert VisitLog.objects.filter(station__code="YL-001").count() == before + 1


def test_plain_posts_without_javascript_redirect_or_show_errors(browser):
    client = browser("officer")
    today = timezone.localdate().isoformat()
    ok = client.post("/desk/YL-001/visits/", {"date": today, "people_count": 2})
    assert ok.status_code == 302 and ok["Location"].startswith("/desk/YL-001/")
    bad = client.post("/desk/YL-001/visits/", {"date": "2099-01-01", "people_count": 2})
    assert bad.status_code == 400 and "<html" in bad.content.decode()
    assert client.post("/desk/YL-002/visits/", {"date": today, "people_count": 2}).status_code == 404


def test_the_whole_loop_through_the_desk_pages(browser):
    officer, street = browser("officer"), browser("street")
    response = officer.post(
        "/desk/YL-001/opinions/",
        {"channel": "phone", "category": "城市管理", "content": "桥底路灯不亮", "citizen_phone": "13811112222"},
        **HTMX,
    )
    assert response.status_code == 200
    opinion = Opinion.objects.get(content="桥底路灯不亮")
    assert opinion.tracking_code in response.content.decode()
    assert_no_personal_data(response)
    url = f"/desk/opinions/{opinion.pk}/transition/"

    def act(client, action, **data):
        response = client.post(url, {"action": action, **data}, **HTMX)
        assert response.status_code == 200
        return response

    row = act(officer, "register").content.decode()
    assert row.lstrip().startswith(f'<tr id="opinion-{opinion.pk}"')
    denied = act(officer, "assign", unit=ResponsibleUnit.objects.first().pk)
    assert denied["X-Transition-Status"] == "403"
    act(street, "assign", unit=ResponsibleUnit.objects.first().pk, confirmed="1")  # the page asked first
    act(officer, "start")
    wrong = act(officer, "start")
    assert wrong["X-Transition-Status"] == "409" and "answer" in wrong.content.decode()
    act(officer, "answer", answer="已修复")
    act(officer, "rate", satisfied="no", note="电话回访：不满意")
    opinion.refresh_from_db()
    assert opinion.status == "in_progress" and opinion.rating == "not_satisfied"
    act(officer, "answer", answer="已增设两盏路灯")
    act(officer, "rate", satisfied="yes")
    opinion.refresh_from_db()
    assert opinion.status == "closed" and opinion.resolved
    detail = officer.get(f"/desk/opinions/{opinion.pk}/")
    assert detail.status_code == 200 and detail.content.decode().count("list-group-item") == 8
    assert_no_personal_data(detail)


def test_queue_is_sorted_by_deadline_and_highlights_overdue(browser):
    html = browser("county").get("/desk/YL-005/").content.decode()
    dues = re.findall(r"<td>(\d{4}-\d{2}-\d{2})(?: <span class=\"badge overdue-badge\">)?", html)
    assert dues == sorted(dues)
    if Opinion.objects.filter(station__code="YL-005").overdue().exists():
        assert "table-danger" in html


def test_desk_unmask_is_logged_and_only_for_those_allowed(browser, demo_user):
    visit = VisitLog.objects.filter(station__code="YL-001").exclude(visitor_phone="").first()
    assert browser("officer").post(f"/desk/visits/{visit.pk}/unmask/", **HTMX).status_code == 403
    response = browser("county").post(f"/desk/visits/{visit.pk}/unmask/", **HTMX)
    assert response.status_code == 200 and visit.visitor_phone in response.content.decode()
    assert UnmaskLog.objects.filter(
        record_id=visit.pk, record_type="visits.visitlog", user=demo_user("county")
    ).exists()


def test_desk_list_pages_keep_their_query_count(browser, django_assert_max_num_queries):
    client = browser("officer")
    client.get("/desk/")
    with django_assert_max_num_queries(25):
        assert client.get("/desk/YL-001/").status_code == 200


# ---------------------------------------------------------------------------------------------------------
# Public pages


def test_qr_form_submits_an_opinion_and_shows_the_tracking_code(client):
    page = client.get("/opinions/new/?station=YL-003")
    assert page.status_code == 200 and 'name="website"' in page.content.decode()
    assert '<label class="form-label" for="id_content">' in page.content.decode()
    response = client.post(
        "/opinions/new/?station=YL-003",
        {
            "station": "YL-003",
            "content": "望月湖公园缺少公厕",
            "category": "城市管理",
            "citizen_name": "钱七",
            "citizen_phone": "13900001234",
        },
    )
    assert response.status_code == 201
    opinion = Opinion.objects.get(content="望月湖公园缺少公厕")
    html = response.content.decode()
    assert opinion.tracking_code in html and "钱七" not in html
    assert_no_personal_data(response)


def test_qr_form_rejects_bots_empty_content_and_floods(client):
    assert client.post("/opinions/new/?station=YL-003", {"station": "YL-003", "content": ""}).status_code == 400
    assert (
        client.post(
            "/opinions/new/?station=YL-003", {"station": "YL-003", "content": "x", "website": "spam"}
        ).status_code
        == 400
    )
    for _ in range(3):  # five in this minute from this address, counting the two above
        client.post("/opinions/new/?station=YL-003", {"station": "YL-003", "content": "意见"})
    assert client.post("/opinions/new/?station=YL-003", {"station": "YL-003", "content": "意见"}).status_code == 429
    assert client.get("/opinions/new/?station=NOPE").status_code == 404


def test_tracking_page_has_the_timeline_unit_and_answer_but_no_personal_data(client):
    for opinion in Opinion.objects.exclude(citizen_phone="").filter(status__in=["closed", "answered", "rejected"])[:15]:
        response = client.get(f"/track/{opinion.tracking_code}/")
        assert response.status_code == 200
        assert opinion.citizen_name not in response.content.decode()
        assert_no_personal_data(response)
    answered = Opinion.objects.filter(status="answered").select_related("unit").first()
    html = client.get(f"/track/{answered.tracking_code.lower().replace('-', '')}/", follow=True).content.decode()
    assert answered.unit.name in html and 'name="proof"' in html and answered.answer[:10] in html
    assert client.get("/track/AAAA-AAAA-AAAA/").status_code == 404


def test_citizen_rates_on_the_tracking_page_with_the_last_four_digits(client):
    opinion = Opinion.objects.filter(status="answered").exclude(citizen_phone="").first()
    url = f"/track/{opinion.tracking_code}/"
    wrong = client.post(url, {"satisfied": "yes", "proof": "0000" if opinion.citizen_phone[-4:] != "0000" else "1111"})
    assert wrong.status_code == 400
    opinion.refresh_from_db()
    assert opinion.status == "answered"
    response = client.post(url, {"satisfied": "no", "proof": opinion.citizen_phone[-4:]})
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == "in_progress" and opinion.rating == "not_satisfied"
    assert client.post(url, {"satisfied": "yes", "proof": "1234"}).status_code == 409


def test_rating_key_proves_a_citizen_without_phone_and_wrong_guesses_are_limited(client, api, settings):
    body = api.post("/api/v1/opinions/", {"station": "YL-004", "content": "没有留电话"}, format="json").json()
    opinion = Opinion.objects.get(tracking_code=body["tracking_code"])
    opinion.status, opinion.unit, opinion.answer = "answered", ResponsibleUnit.objects.first(), "已处理"
    opinion.save()
    url = f"/track/{opinion.tracking_code}/"
    for _ in range(settings.OPINION_RATING_ATTEMPTS_PER_HOUR):
        assert client.post(url, {"satisfied": "yes", "proof": "WRONG1"}).status_code == 400
    assert client.post(url, {"satisfied": "yes", "proof": body["rating_key"]}).status_code == 429
    from django.core.cache import cache

    cache.clear()
    assert client.post(url, {"satisfied": "yes", "proof": body["rating_key"].lower()}).status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == "closed" and opinion.resolved


def test_qr_code_and_poster(client):
    svg = client.get("/stations/YL-001/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert svg.content.lstrip().startswith(b"<svg")
    poster = client.get("/stations/YL-001/poster/")
    html = poster.content.decode()
    assert poster.status_code == 200 and "/stations/YL-001/qr.svg" in html
    assert "http://testserver/opinions/new/?station=YL-001" in html
    assert_no_personal_data(poster)
    assert client.get("/stations/NOPE/qr.svg").status_code == 404


def test_public_api_and_pages_never_show_personal_data(client, api):
    for url in ["/opinions/new/", "/opinions/new/?station=YL-001", "/track/", "/stations/YL-002/poster/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_personal_data(response)


def test_tracking_code_by_sms_is_sent_once(client, settings, django_capture_on_commit_callbacks, eager):  # noqa: F811
    """The QR form's SMS: one notice row recorded with the opinion, sent once (more in tests/notices)."""
    from notices import delivery
    from notices.channels import LocmemSMSBackend
    from notices.models import Notice

    settings.SMS_BACKEND = "notices.channels.LocmemSMSBackend"
    settings.NOTICE_SINK = ""
    LocmemSMSBackend.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/opinions/new/?station=YL-003",
            {"station": "YL-003", "content": "请求短信查询码", "citizen_phone": "13900004321", "send_sms": "on"},
        )
    assert response.status_code == 201
    opinion = Opinion.objects.get(content="请求短信查询码")
    notice = Notice.objects.get(kind="opinion_tracking_code", recipient=f"opinion:{opinion.pk}")
    assert notice.status == Notice.Status.SENT
    assert delivery.notice_send(notice_id=notice.pk) == delivery.DONE  # a retried task sends nothing twice
    assert len(LocmemSMSBackend.outbox) == 1
    message = LocmemSMSBackend.outbox[0]
    assert message["phone"] == "13900004321" and opinion.tracking_code in message["text"]
    LocmemSMSBackend.outbox = []
