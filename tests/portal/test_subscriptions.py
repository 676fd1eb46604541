"""Public pages: reminder sign-up with double opt-in, one-click unsubscribe, the ICS feed, the inbox include."""

import datetime
import re

import icalendar
import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from notices import selectors as notice_selectors
from notices import services as notice_services
from notices.models import InboxMessage, Subscriber
from stations import selectors, services
from stations.models import ReceptionDay
from tests.notices.support import sms_outbox, station_manager  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def code_in(text: str) -> str:
    return re.search(r"(?<!\d)(\d{6})(?!\d)", text).group(1)


def test_subscribe_by_sms_with_double_opt_in_and_one_click_unsubscribe(client, sms_outbox):  # noqa: F811
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/subscribe/?station=YL-003")
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    response = client.post("/subscribe/?station=YL-003", {"contact": "139 1234 5678", "station": "YL-003"})
    assert response.status_code == 302 and response["Location"].endswith("/subscribe/confirm/")
    subscriber = Subscriber.objects.get(station__code="YL-003", address="13912345678")
    assert subscriber.confirmed_at is None and subscriber.channel == "sms"
    confirm = client.get("/subscribe/confirm/").content.decode()
    assert "139****5678" in confirm and "13912345678" not in confirm
    code = code_in(sms_outbox[-1]["text"])
    wrong = "000000" if code != "000000" else "111111"
    assert "not right" in client.post("/subscribe/confirm/", {"code": wrong}).content.decode()
    done = client.post("/subscribe/confirm/", {"code": code})
    assert done.status_code == 200 and "Reminders confirmed" in done.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None and subscriber.code_hash == ""
    assert subscriber.token in sms_outbox[-1]["text"]  # the welcome message carries the unsubscribe link
    url = f"/subscribe/unsubscribe/{subscriber.token}/"
    ask = client.get(url)  # a mail scanner following the link unsubscribes nobody
    assert ask.status_code == 200 and Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert "csrfmiddlewaretoken" in ask.content.decode() and 'method="post"' in ask.content.decode()
    gone = client.post(url, {"csrfmiddlewaretoken": csrf_token_of(ask)})
    assert gone.status_code == 200 and not Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert "Unsubscribed" in gone.content.decode()
    assert client.post(url, {"csrfmiddlewaretoken": csrf_token_of(ask)}).status_code == 200  # idempotent
    # RFC 8058 one-click from a mail client: POST without a CSRF token.
    assert client.post("/subscribe/unsubscribe/whatever/").status_code in (200, 403)


def csrf_token_of(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def test_unsubscribe_post_needs_the_csrf_token_except_rfc_8058_one_click(sms_outbox):  # noqa: F811
    from django.test import Client

    subscriber = notice_services.subscription_request(station=_station("YL-003"), channel="sms", address="13912345670")
    client = Client(enforce_csrf_checks=True)
    url = f"/subscribe/unsubscribe/{subscriber.token}/"
    assert client.post(url).status_code == 403  # a forged form elsewhere cannot unsubscribe anyone
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert client.get(url).status_code == 200 and Subscriber.objects.filter(pk=subscriber.pk).exists()
    one_click = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and not Subscriber.objects.filter(pk=subscriber.pk).exists()


def _station(code):
    from stations.models import Station

    return Station.objects.get(code=code)


def test_subscribe_by_email(client):
    client.post("/subscribe/?station=YL-004", {"contact": "Resident@Example.CN", "station": "YL-004"})
    subscriber = Subscriber.objects.get(station__code="YL-004", address="Resident@example.cn")
    assert subscriber.channel == "email" and subscriber.address == "Resident@example.cn"
    assert mail.outbox[-1].to == ["Resident@example.cn"]
    client.post("/subscribe/confirm/", {"code": code_in(mail.outbox[-1].body)})
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None


@pytest.mark.parametrize("contact", ["12345", "1391234567", "23912345678", "not-an-email@", "a@b"])
def test_invalid_phone_or_email_is_a_form_error(client, contact):
    before = Subscriber.objects.count()
    response = client.post("/subscribe/?station=YL-003", {"contact": contact, "station": "YL-003"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert Subscriber.objects.count() == before


def test_unknown_station_is_404(client):
    assert client.get("/subscribe/?station=NOPE").status_code == 404
    assert client.get("/subscribe/").status_code == 404
    assert client.get("/stations/NOPE/calendar.ics").status_code == 404


def test_sign_ups_are_rate_limited(client, settings, sms_outbox):  # noqa: F811
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "subscribe-ip": {"hour": (3, 3600)},
        "subscribe-address": {"hour": (2, 3600)},
    }
    statuses = [
        client.post("/subscribe/?station=YL-003", {"contact": "13912345678", "station": "YL-003"}).status_code
        for _ in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert len(sms_outbox) == 2
    other = client.post("/subscribe/?station=YL-003", {"contact": "13912345679", "station": "YL-003"})
    assert other.status_code == 429  # the client's own limit


def test_wrong_codes_are_limited_and_codes_expire(sms_outbox):  # noqa: F811
    from core.api import DomainError
    from stations.models import Station

    station = Station.objects.get(code="YL-006")
    subscriber = notice_services.subscription_request(station=station, channel="sms", address="13700000001")
    for _ in range(notice_services.MAX_CODE_ATTEMPTS):
        with pytest.raises(DomainError, match="not right"):
            notice_services.subscription_confirm(subscriber=subscriber, code="999999x")
    with pytest.raises(DomainError, match="Too many"):
        notice_services.subscription_confirm(subscriber=subscriber, code=code_in(sms_outbox[-1]["text"]))
    notice_services.subscription_request(station=station, channel="sms", address="13700000001")  # a new code
    Subscriber.objects.filter(pk=subscriber.pk).update(code_sent_at=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(DomainError, match="expired"):
        notice_services.subscription_confirm(subscriber=subscriber, code=code_in(sms_outbox[-1]["text"]))


def test_the_calendar_feed_is_valid_icalendar_with_time_zone_and_cancelled_days(client):
    day = ReceptionDay.objects.filter(station__code="YL-007", date__gte=timezone.localdate()).order_by("date").first()
    services.reception_day_cancel(by=station_manager(), day=day, reason="场地维修，暂停一次")
    response = client.get("/stations/YL-007/calendar.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    raw = response.content
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    timezones = calendar.walk("VTIMEZONE")
    assert len(timezones) == 1 and timezones[0]["TZID"] == "Asia/Shanghai"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) >= 12
    cancelled = next(e for e in events.values() if str(e["STATUS"]) == "CANCELLED")
    assert cancelled["DTSTART"].dt.date() == day.date
    assert cancelled["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert cancelled["DTSTART"].dt.hour == 9
    assert "场地维修，暂停一次" in str(cancelled["DESCRIPTION"])
    assert all("DTSTAMP" in e and "SUMMARY" in e for e in events.values())


def test_the_station_page_shows_a_cancelled_day_and_its_reason(client):
    day = ReceptionDay.objects.filter(station__code="YL-008", date__gte=timezone.localdate()).order_by("date").first()
    services.reception_day_cancel(by=station_manager(), day=day, reason="台风预警停止接待")
    assert selectors.next_reception_day(station=day.station).pk == day.pk
    page = client.get("/stations/YL-008/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "台风预警停止接待" in page and "cancelled" in page.lower()
    assert "/stations/YL-008/calendar.ics" in page and "/subscribe/?station=YL-008" in page


def test_next_reception_day_prefetches_its_deputies(django_assert_num_queries):
    from stations.models import Station

    station = Station.objects.get(code="YL-001")
    with django_assert_num_queries(3):
        day = selectors.next_reception_day(station=station)
        names = [d.name for d in day.duty_deputies.all()] + [
            m.level for d in day.duty_deputies.all() for m in d.mandates.all()
        ]
    assert day.date >= timezone.localdate() and names


def test_the_inbox_include_lists_and_marks_messages(client, demo_user, django_assert_num_queries):
    user = demo_user("deputy")
    InboxMessage.objects.bulk_create(
        [
            InboxMessage(user=user, title=f"接待日通知 {i}", body="值班代表：某某", link="/stations/YL-001/")
            for i in range(5)
        ]
    )
    with django_assert_num_queries(1):
        inbox = notice_selectors.inbox_for(user=user)
    html = render_to_string("desk/_inbox.html", {"inbox": inbox})
    assert html.count("接待日通知") == 5 and "/stations/YL-001/" in html
    assert all(m.user_id != user.pk for m in notice_selectors.inbox_for(user=demo_user("officer")))
    client.force_login(user)
    first = inbox[0]
    unread = notice_selectors.inbox_unread_count(user=user)
    assert client.post(reverse("desk:inbox_read", args=[first.pk]), {"next": "/desk/"}).status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None and notice_selectors.inbox_unread_count(user=user) == unread - 1
    assert "Mark as read" not in render_to_string("desk/_inbox.html", {"inbox": [first]})
    client.force_login(demo_user("officer"))  # somebody else's message cannot be marked
    other = inbox[1]
    assert client.post(reverse("desk:inbox_read", args=[other.pk])).status_code == 302
    other.refresh_from_db()
    assert other.read_at is None
