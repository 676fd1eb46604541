"""Delivery in-process: channels, retries with back-off, permanent failures, claims, fencing and the sweeper."""

import datetime

import pytest
from django.core import mail

from notices import delivery, services
from notices.channels import BaseSMSBackend
from notices.models import InboxMessage, Notice, Subscriber
from stations import notices as reception
from tests.notices.support import (  # noqa: F401 - fixtures
    add_subscribers,
    eager,
    make_day,
    make_station,
    sink,
    sink_lines,
    sms_outbox,
)

pytestmark = pytest.mark.django_db


class RaisingSMSBackend(BaseSMSBackend):
    """A provider that refuses everything (and leaks the number into its error, as some do)."""

    def send(self, *, phone, text, reference):
        raise ConnectionError(f"gateway refused {phone}")


class FlakySMSBackend(BaseSMSBackend):
    calls: list[str] = []

    def send(self, *, phone, text, reference):
        type(self).calls.append(reference)
        if type(self).calls.count(reference) == 1:
            raise TimeoutError("gateway timeout")


@pytest.fixture
def day_rows():
    """A published day's notice rows, recorded but not queued: 3 SMS, 2 e-mails, 1 inbox message, 2 subscribers."""
    station, deputies = make_station(deputies=3, accounts=1, emails=2)
    day = make_day(station, datetime.date(2027, 3, 28), deputies)
    add_subscribers(station, 1)
    add_subscribers(station, 1, channel="email")
    report = reception.publish_due_reception_days(today=datetime.date(2027, 3, 25), enqueue=False)
    return day, Notice.objects.filter(pk__in=report.notice_ids)


def sent_ids(path):
    return [line["notice"] for line in sink_lines(path) if line["notice"] is not None]


def test_each_channel_delivers(day_rows, sms_outbox, eager):  # noqa: F811
    day, rows = day_rows
    assert rows.count() == 8
    for notice in rows:
        assert services.notice_send(notice_id=notice.pk) == "sent"
    assert len(sms_outbox) == 4 and all(m["reference"].startswith("notice-") for m in sms_outbox)
    assert day.station.name in sms_outbox[0]["text"]
    assert len(mail.outbox) == 3
    to_subscriber = next(m for m in mail.outbox if m.to[0].startswith("r"))
    assert "/subscribe/unsubscribe/" in to_subscriber.extra_headers["List-Unsubscribe"]
    inbox = InboxMessage.objects.get(notice__reception_day=day)
    assert inbox.user.deputy.pk in set(day.duty_deputies.values_list("pk", flat=True))
    assert set(rows.values_list("status", flat=True)) == {Notice.Status.SENT}
    assert [(n.attempts, bool(n.sent_at)) for n in rows.all()] == [(1, True)] * 8


def test_a_second_send_of_the_same_row_sends_nothing(day_rows, sink):  # noqa: F811
    _day, rows = day_rows
    notice = rows.first()
    assert services.notice_send(notice_id=notice.pk) == "sent"
    assert services.notice_send(notice_id=notice.pk) == "done"
    assert services.notice_send(notice_id=10**9) == "gone"
    assert sent_ids(sink) == [notice.pk]
    assert set(sink_lines(sink)[0]) == {"notice", "channel", "recipient"}


def test_a_raising_sms_backend_fails_the_row_after_retries_and_spares_the_others(
    day_rows,
    settings,
    eager,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    settings.SMS_BACKEND = f"{__name__}.RaisingSMSBackend"
    settings.NOTICE_MAX_ATTEMPTS = 3
    _day, rows = day_rows
    with django_capture_on_commit_callbacks(execute=True):
        delivery.enqueue(rows.values_list("pk", flat=True))
    sms = rows.filter(channel="sms")
    assert sms.count() == 4
    for notice in sms:
        assert notice.status == Notice.Status.FAILED and notice.attempts == 3
        assert notice.last_error.startswith("ConnectionError: gateway refused")
        assert "****" in notice.last_error  # the number is masked in the recorded error
    others = rows.exclude(channel="sms")
    assert set(others.values_list("status", flat=True)) == {Notice.Status.SENT}


def test_a_failed_attempt_is_retried_with_back_off(day_rows, settings, eager, django_capture_on_commit_callbacks):  # noqa: F811
    settings.SMS_BACKEND = f"{__name__}.FlakySMSBackend"
    FlakySMSBackend.calls = []
    _day, rows = day_rows
    notice = rows.filter(channel="sms").first()
    assert delivery.backoff(1) == settings.NOTICE_RETRY_BACKOFF
    assert delivery.backoff(3) == 4 * settings.NOTICE_RETRY_BACKOFF
    assert delivery.backoff(30) == 3600
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notice_send(notice_id=notice.pk) == "retry"
        notice.refresh_from_db()
        assert notice.status == Notice.Status.PENDING and notice.next_attempt_at and "timeout" in notice.last_error
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT and notice.attempts == 2 and notice.last_error == ""


def test_a_recipient_who_unsubscribed_fails_at_once(day_rows, sink):  # noqa: F811
    day, rows = day_rows
    subscriber = Subscriber.objects.filter(station=day.station).first()
    assert services.subscription_cancel(token=subscriber.token)
    notice = rows.get(recipient=f"subscriber:{subscriber.pk}")
    assert services.notice_send(notice_id=notice.pk) == "failed"
    notice.refresh_from_db()
    assert notice.status == Notice.Status.FAILED and notice.attempts == 1
    assert sent_ids(sink) == []


def test_failed_rows_can_be_resent(day_rows, settings, sms_outbox, eager, django_capture_on_commit_callbacks):  # noqa: F811
    settings.SMS_BACKEND = f"{__name__}.RaisingSMSBackend"
    settings.NOTICE_MAX_ATTEMPTS = 1
    _day, rows = day_rows
    notice = rows.filter(channel="sms").first()
    assert services.notice_send(notice_id=notice.pk) == "failed"
    notice.refresh_from_db()
    assert notice.status == Notice.Status.FAILED
    settings.SMS_BACKEND = "notices.channels.LocmemSMSBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notices_resend(notice_ids=[notice.pk, rows.exclude(pk=notice.pk).first().pk]) == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT and [m["reference"] for m in sms_outbox] == [f"notice-{notice.pk}"]


def test_an_interrupted_send_is_settled_by_the_sweeper_without_sending_twice(
    day_rows,
    sink,  # noqa: F811
    eager,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """Two rows were claimed by a worker that died: one after the sink had taken the message, one before."""
    _day, rows = day_rows
    delivered, lost = rows.order_by("pk")[:2]
    for notice in (delivered, lost):
        assert not isinstance(delivery._claim(notice.pk), str)
    from notices.channels import write_sink

    write_sink(notice_id=delivered.pk, channel=delivered.channel, recipient=delivered.recipient)
    # Claimed rows are left alone by other senders (a duplicate message, a retry).
    assert services.notice_send(notice_id=delivered.pk) == "busy"
    # The sweeper leaves fresh claims alone, and settles stale ones.
    assert delivery.notices_sweep(older_than=3600).reconciled == 0
    with django_capture_on_commit_callbacks(execute=True):
        report = delivery.notices_sweep(older_than=0)
    assert report.reconciled == 1 and report.reclaimed == 1
    for notice in (delivered, lost):
        notice.refresh_from_db()
        assert notice.status == Notice.Status.SENT
    # Each row exactly once: the one the sink had is not sent again (the other six were re-queued as lost).
    assert sorted(sent_ids(sink)) == sorted(rows.values_list("pk", flat=True))


def test_a_worker_whose_claim_was_reset_meanwhile_does_not_send(
    day_rows,
    sink,  # noqa: F811
    eager,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """The sweeper runs in the gap between a worker's claim and its send: the worker is fenced out, the row is
    sent once by the re-queued task."""
    _day, rows = day_rows
    notice = rows.filter(channel="sms").first()
    real_address_of = delivery.address_of

    def sweeper_in_the_gap(recipient, channel):
        delivery.notices_sweep(older_than=0)
        return real_address_of(recipient, channel)

    monkeypatch.setattr(delivery, "address_of", sweeper_in_the_gap)
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.notice_send(notice_id=notice.pk) == "fenced"
        monkeypatch.setattr(delivery, "address_of", real_address_of)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert sent_ids(sink).count(notice.pk) == 1  # (the sweeper also re-queued the other, never queued, rows)
    assert sorted(sent_ids(sink)) == sorted(rows.values_list("pk", flat=True))


def test_the_sweeper_requeues_rows_whose_message_was_lost(day_rows, sink, eager, django_capture_on_commit_callbacks):  # noqa: F811
    _day, rows = day_rows
    assert delivery.notices_sweep(older_than=3600).requeued == 0  # queued just now: not lost yet
    with django_capture_on_commit_callbacks(execute=True):
        report = delivery.notices_sweep(older_than=0)
    assert report.requeued == 8
    assert sorted(sent_ids(sink)) == sorted(rows.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.notices_sweep(older_than=0).requeued == 0


def test_the_sweeper_deletes_stale_unconfirmed_sign_ups(day_rows):
    day, _rows = day_rows
    stale = Subscriber.objects.create(station=day.station, channel="sms", address="13900000001", token="stale")
    Subscriber.objects.filter(pk=stale.pk).update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    Subscriber.objects.create(station=day.station, channel="sms", address="13900000002", token="fresh")
    assert delivery.notices_sweep().purged_subscribers == 1
    assert Subscriber.objects.filter(token="fresh").exists()
