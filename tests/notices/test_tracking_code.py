"""The tracking code by SMS is a notice row of its own, recorded with the opinion and sent exactly once."""

import pytest
from django.core.cache import cache
from django.db import transaction

from notices import delivery
from notices.models import Notice
from stations.models import Station
from tests.notices.support import eager, sms_outbox  # noqa: F401 - fixtures
from visits import services
from visits.models import Opinion
from visits.notices import TRACKING_CODE

pytestmark = pytest.mark.django_db

PHONE = "13900004321"


@pytest.fixture(autouse=True)
def no_sink(settings):
    settings.NOTICE_SINK = ""


def submit(client, *, content="请求短信查询码", phone=PHONE, send_sms=True, language="zh-hans"):
    data = {"station": "YL-003", "content": content, "citizen_phone": phone}
    if send_sms:
        data["send_sms"] = "on"
    return client.post("/opinions/new/?station=YL-003", data, HTTP_ACCEPT_LANGUAGE=language)


def test_the_sms_is_one_notice_row_recorded_with_the_opinion_and_sent_once(
    client,
    sms_outbox,  # noqa: F811
    eager,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = submit(client, language="en")
    assert response.status_code == 201
    assert "sending the tracking code to your phone by SMS" in response.content.decode()
    opinion = Opinion.objects.get(content="请求短信查询码")
    rows = Notice.objects.filter(kind=TRACKING_CODE)
    assert list(rows.values_list("key", "recipient", "channel", "station_id")) == [
        (f"opinion:{opinion.pk}", f"opinion:{opinion.pk}", "sms", opinion.station_id)
    ]
    notice = rows.get()
    queued = [c.args for c in callbacks if getattr(c, "func", None) is delivery.enqueue]
    assert queued == [([notice.pk],)]  # queued once, after the commit
    assert PHONE not in " ".join([notice.recipient, notice.key, notice.title, notice.text, notice.link])
    # Sent once, in the notice language (Chinese) whatever the page's language, with the absolute tracking link.
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT and notice.attempts == 1
    assert len(sms_outbox) == 1
    message = sms_outbox[0]
    assert message["phone"] == PHONE and message["reference"] == f"notice-{notice.pk}"
    assert f"查询码：{opinion.tracking_code}" in message["text"]
    assert f"/track/{opinion.tracking_code}/" in message["text"]
    # A retried or duplicated task, even with the cache gone, sends nothing more: the row is sent.
    cache.clear()
    assert delivery.notice_send(notice_id=notice.pk) == delivery.DONE
    assert delivery.enqueue([notice.pk]) == 1
    assert len(sms_outbox) == 1


def test_no_row_without_the_request_or_without_a_phone(client, sms_outbox, eager, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(client, content="不要短信", send_sms=False).status_code == 201
        assert submit(client, content="没有电话", phone="").status_code == 201
    assert not Notice.objects.filter(kind=TRACKING_CODE).exists()
    assert sms_outbox == []


def test_a_rolled_back_submission_leaves_no_row_and_sends_nothing(
    sms_outbox,  # noqa: F811
    eager,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    station = Station.objects.get(code="YL-003")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submitted = services.opinion_create(
            by=None, station=station, channel="online", content="回滚", citizen_phone=PHONE, send_sms=True
        )
        assert Notice.objects.filter(kind=TRACKING_CODE, key=f"opinion:{submitted.opinion.pk}").count() == 1
        raise RuntimeError("the request failed after the opinion was written")
    assert callbacks == []
    assert not Opinion.objects.filter(content="回滚").exists()
    assert not Notice.objects.filter(kind=TRACKING_CODE).exists()
    assert sms_outbox == []


def test_an_opinion_anonymised_before_the_send_is_not_sent(sms_outbox, django_capture_on_commit_callbacks):  # noqa: F811
    station = Station.objects.get(code="YL-003")
    with django_capture_on_commit_callbacks(execute=False):
        submitted = services.opinion_create(
            by=None, station=station, channel="online", content="匿名化", citizen_phone=PHONE, send_sms=True
        )
    notice = Notice.objects.get(kind=TRACKING_CODE, key=f"opinion:{submitted.opinion.pk}")
    Opinion.objects.filter(pk=submitted.opinion.pk).update(citizen_phone="")
    assert delivery.notice_send(notice_id=notice.pk) == delivery.FAILED
    notice.refresh_from_db()
    assert notice.status == Notice.Status.FAILED and notice.attempts == 1  # no address: no retry
    assert sms_outbox == []
