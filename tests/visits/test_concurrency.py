"""Two concurrent transitions of one opinion: the row lock lets exactly one win (PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection

from accounts.models import Role
from core.api import ConflictError
from tests.accounts.factories import UserFactory
from tests.stations.factories import StationStaffFactory
from visits import services
from visits.models import Opinion, OpinionEvent


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_concurrent_transitions_wins(monkeypatch):
    post = StationStaffFactory(user=UserFactory(username="race-officer", role=Role.OFFICER))
    head = StationStaffFactory(
        station=post.station, role="head", user=UserFactory(username="race-head", role=Role.HEAD)
    )
    opinion = services.opinion_create(by=post.user, station=post.station, channel="phone", content="竞态测试").opinion

    apply = services._apply

    def slow_apply(*args, **kwargs):
        result = apply(*args, **kwargs)
        time.sleep(0.3)  # hold the row lock while the other thread tries
        return result

    monkeypatch.setattr(services, "_apply", slow_apply)
    barrier = threading.Barrier(2)
    outcomes = []

    def worker(user, action, params):
        try:
            barrier.wait()
            services.opinion_transition(opinion=opinion, action=action, by=user, **params)
            outcomes.append(("won", action))
        except ConflictError as exc:
            outcomes.append(("conflict", exc.extra["allowed_actions"]))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(post.user, "register", {})),
        threading.Thread(target=worker, args=(head.user, "register", {})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(o[0] for o in outcomes) == ["conflict", "won"]
    assert Opinion.objects.get(pk=opinion.pk).status == "registered"
    assert OpinionEvent.objects.filter(opinion=opinion, action="register").count() == 1
