"""The audit trail: every change to records and reference data, unmasking and failed sign-ins, on one page for
county staff and administrators; a retention command."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from stations.models import Station
from visits import services
from visits.models import ResponsibleUnit

pytestmark = pytest.mark.django_db


def test_reference_data_and_records_are_versioned_with_who_and_before_after(client, demo_user):
    county = demo_user("county")
    unit = ResponsibleUnit.objects.order_by("pk").first()
    old_name = unit.name
    unit.save()  # a unit loaded by the demo has no version yet: this is its first
    unit._history_user = county
    unit._change_reason = "更名"
    unit.name = "区交通运输局（新）"
    unit.save()
    station = Station.objects.get(code="YL-001")
    log = services.visit_log_create(by=demo_user("officer"), station=station, date=timezone.localdate(), people_count=3)
    services.record_update(by=demo_user("officer"), record=log, people_count=5, reason="人数录错")
    client.force_login(county)
    page = client.get("/desk/audit/").content.decode()
    assert "区交通运输局（新）" in page and old_name in page and "更名" in page
    assert "人数录错" in page and "<del>3</del>" in page and "<strong>5</strong>" in page
    only_changes = client.get("/desk/audit/?kind=change&text=更名").content.decode()
    assert "更名" in only_changes and "人数录错" not in only_changes


def test_failed_sign_ins_and_unmasking_are_on_the_page(client, demo_user):
    client.post("/accounts/login/", {"username": "street", "password": "wrong"})
    client.force_login(demo_user("county"))
    page = client.get("/desk/audit/?kind=sign_in").content.decode()
    assert "street" in page and "登录失败" in page


@pytest.mark.parametrize("username, status", [("street", 403), ("officer", 403), ("deputy", 403), ("admin", 200)])
def test_only_county_staff_and_administrators_read_it(client, demo_user, username, status):
    client.force_login(demo_user(username))
    assert client.get("/desk/audit/").status_code == status


def test_prune_audit_keeps_the_newest_version_of_every_record(demo_user, time_machine):
    officer = demo_user("officer")
    station = Station.objects.get(code="YL-001")
    time_machine.move_to(timezone.now() - datetime.timedelta(days=400))
    log = services.visit_log_create(by=officer, station=station, date=timezone.localdate(), people_count=3)
    services.record_update(by=officer, record=log, people_count=4)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=400))
    assert log.history.count() == 2
    out = io.StringIO()
    call_command("prune_audit", "--older-than", "365", stdout=out)
    assert log.history.count() == 1 and log.history.first().people_count == 4
    assert "deleted" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("prune_audit", "--older-than", "1")
