"""Shared helpers and fixtures of the notices tests (imported by the other ``test_notices_*`` modules)."""

from __future__ import annotations

import datetime
import json
from zoneinfo import ZoneInfo

import pytest

from notices.channels import LocmemSMSBackend
from notices.models import Channel, Subscriber
from stations.models import ReceptionDay
from tests.accounts.factories import UserFactory
from tests.deputies.factories import DeputyFactory, MandateFactory
from tests.stations.factories import MembershipFactory, StationFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOCMEM_SMS = "notices.channels.LocmemSMSBackend"


def at(year, month, day, hour=8, minute=0) -> datetime.datetime:
    """A moment in Asia/Shanghai (for time-machine)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def make_station(*, deputies: int = 6, levels=("township", "county", "city"), accounts: int = 1, emails: int = 2):
    """A station of its own (never the demo's) with resident deputies of mixed levels; the first ``accounts``
    have a user account, the first ``emails`` an e-mail address. Returns (station, deputies)."""
    station = StationFactory()
    people = []
    for i in range(deputies):
        user = UserFactory(role="deputy") if i < accounts else None
        deputy = DeputyFactory(phone=f"139{i:08d}", email=f"d{i}@example.cn" if i < emails else "", user=user)
        MandateFactory(deputy=deputy, level=levels[i % len(levels)])
        MembershipFactory(deputy=deputy, station=station, since=datetime.date(2024, 1, 1) + datetime.timedelta(i))
        people.append(deputy)
    return station, people


def make_day(station, date: datetime.date, deputies=(), **fields) -> ReceptionDay:
    day = ReceptionDay.objects.create(station=station, scheduled_date=date, date=date, **fields)
    day.duty_deputies.set(deputies)
    return day


def add_subscribers(station, n: int, *, channel: str = Channel.SMS, start: int = 0) -> list[Subscriber]:
    confirmed = datetime.datetime(2025, 1, 1, tzinfo=SHANGHAI)
    return Subscriber.objects.bulk_create(
        [
            Subscriber(
                station=station,
                channel=channel,
                address=f"1370000{i:04d}" if channel == Channel.SMS else f"r{i}@example.cn",
                token=f"t-{station.code}-{channel}-{i}",
                confirmed_at=confirmed,
            )
            for i in range(start, start + n)
        ]
    )


def sink_lines(path) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as sink:
            return [json.loads(line) for line in sink if line.strip()]
    except FileNotFoundError:
        return []


@pytest.fixture
def eager():
    """Tasks run in-process even when REDIS_URL is set (the real-worker tests do not use this)."""
    from liaison.celery import app

    # The app reads Django settings with the CELERY_ namespace: the key must be set under that name.
    old = app.conf.task_always_eager
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = old


@pytest.fixture
def sink(settings, tmp_path):
    settings.NOTICE_SINK = str(tmp_path / "sink.jsonl")
    return settings.NOTICE_SINK


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = LOCMEM_SMS
    LocmemSMSBackend.outbox = []
    yield LocmemSMSBackend.outbox
    LocmemSMSBackend.outbox = []


def station_manager():
    """A user who may change any station's reception days (the demo's system administrator): the factories'
    stations lie outside the demo county."""
    from accounts.models import User

    return User.objects.get(username="admin")
