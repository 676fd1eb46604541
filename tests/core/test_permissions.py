"""Who may do what is the one table (``core.access.PERMISSIONS``) everywhere, and failures are one family
(``core.errors``): a role refusal is 403, a station outside the area 404, bad input 400 with field errors."""

import datetime

import pytest
from django.utils import timezone

from core.access import PERMISSIONS, Role
from core.errors import Invalid, NotPermitted, OutOfScope
from stations.models import Station
from visits import services
from visits.models import Opinion

pytestmark = pytest.mark.django_db


def test_the_admin_login_page_answers_anonymous_users():
    from django.test import Client

    client = Client()
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/admin/").status_code == 302  # to the login page


def test_only_system_administrators_manage_accounts(client, demo_user):
    client.force_login(demo_user("county"))
    assert client.get("/admin/accounts/user/").status_code == 403
    client.force_login(demo_user("admin"))
    assert client.get("/admin/accounts/user/").status_code == 200


def test_the_workflow_takes_its_rules_from_the_table():
    for action, step in services.TRANSITIONS.items():
        assert step.sources and step.permission == f"opinion.{action}" and step.permission in PERMISSIONS
    assert set(services.WRITE_PERMISSION.values()) <= set(PERMISSIONS)


def test_allowed_actions_follow_the_table(demo_user):
    opinion = Opinion.objects.filter(station__code="YL-001", status="registered").first()
    assert opinion is not None
    assert services.allowed_actions(opinion=opinion, user=demo_user("street")) == ["assign", "reject"]
    assert services.allowed_actions(opinion=opinion, user=demo_user("officer")) == []
    assert services.allowed_actions(opinion=opinion, user=demo_user("deputy")) == []
    assert services.allowed_actions(opinion=opinion, user=None) == []


def test_services_raise_the_domain_errors(demo_user):
    own, other = Station.objects.get(code="YL-001"), Station.objects.get(code="YL-002")
    today = timezone.localdate()
    with pytest.raises(Invalid) as bad:
        services.visit_log_create(by=demo_user("officer"), station=own, date=today, people_count=0)
    assert bad.value.fields == {"people_count": [bad.value.fields["people_count"][0]]}
    assert bad.value.body() == {"people_count": [str(bad.value.fields["people_count"][0])]}
    with pytest.raises(Invalid) as future:
        services.visit_log_create(
            by=demo_user("officer"), station=own, date=today + datetime.timedelta(days=1), people_count=1
        )
    assert "date" in future.value.fields
    with pytest.raises(OutOfScope):
        services.visit_log_create(by=demo_user("officer"), station=other, date=today, people_count=1)
    with pytest.raises(NotPermitted):
        services.visit_log_create(by=demo_user("deputy"), station=own, date=today, people_count=1)


def test_a_role_refusal_is_403_and_a_station_outside_the_area_404(client, demo_user, login_api):
    client.force_login(demo_user("deputy"))
    assert client.get("/desk/YL-001/").status_code == 403  # deputies have their own desk
    assert client.get("/dashboard/").status_code == 403
    client.force_login(demo_user("officer"))
    assert client.get("/desk/YL-002/").status_code == 404
    assert client.post("/dashboard/evaluation/compute/", {"year": "2025"}).status_code == 403
    deputy = login_api(demo_user("deputy"))
    assert deputy.get("/api/v1/visits/").status_code == 200  # reading the ledger of their stations
    assert deputy.post("/api/v1/practical-matters/", {}, format="json").status_code == 403
    assert login_api(demo_user("officer")).get("/api/v1/dashboard/summary/?area=1").status_code == 403


def test_pages_ask_for_sign_in_before_the_role():
    from django.test import Client

    response = Client().get("/desk/YL-001/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_role_reads_the_permission_table_through_effective_role(demo_user):
    from core.access import effective_role, has_permission

    admin = demo_user("admin")
    assert effective_role(admin) == Role.ADMIN and has_permission(admin, "admin.delete")
    county = demo_user("county")
    assert has_permission(county, "personal_data.unmask") and not has_permission(county, "accounts.manage")


def test_a_role_refused_a_page_gets_a_page_in_its_language(client, demo_user):
    client.force_login(demo_user("deputy"))
    page = client.get("/dashboard/")
    assert page.status_code == 403 and "您的角色无权打开此页面" in page.content.decode()
    in_english = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Your role may not open this page." in in_english.content.decode()
