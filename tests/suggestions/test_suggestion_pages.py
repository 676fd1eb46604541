"""The suggestion pages under /desk/suggestions/: filing, editing, co-signing and the whole handling (assign,
extend, answer, assess, supervise, close) through the pages' own POSTs; scope (404), role refusals (403), bad
input (400, nothing saved), the work list's filters and its query count, the deputy desk's links."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from activities.models import Activity
from deputies.models import Deputy
from stations.models import Membership, Station
from suggestions.models import Suggestion, SuggestionEvent
from tests.accounts.factories import UserFactory
from visits.models import ResponsibleUnit

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def demo_deputy():
    return Deputy.objects.get(user__username="deputy")


@pytest.fixture
def yl001():
    return Station.objects.get(code="YL-001")


@pytest.fixture
def unit():
    return ResponsibleUnit.objects.filter(is_active=True).order_by("pk").first()


@pytest.fixture
def second_deputy(demo_deputy, yl001):
    """Another deputy resident at YL-001, with an account."""
    deputy = (
        Deputy.objects.filter(pk__in=Membership.objects.current().filter(station=yl001).values("deputy"))
        .exclude(pk=demo_deputy.pk)
        .order_by("pk")
        .first()
    )
    deputy.user = UserFactory(username="deputy-two", role=Role.DEPUTY, last_name=deputy.name[0], first_name="二")
    deputy.save()
    return deputy


def signed_in(client, user):
    client.force_login(user)
    return client


def url(name, pk=None):
    return reverse(f"desk:{name}", kwargs={"pk": pk} if pk is not None else None)


def filing(station, **extra):
    return {
        "title": "关于增设社区公交微循环线路的建议",
        "content": "建议在桃子湖片区增设微循环公交。",
        "category": "livelihood",
        "topics": "交通管理、停车难，交通管理",
        "station": station.pk,
        **extra,
    }


def actions(suggestion_id):
    return list(
        SuggestionEvent.objects.filter(suggestion_id=suggestion_id)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


# --- the whole loop -----------------------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_a_suggestion_goes_the_whole_way_through_the_pages(
    client, en_client, demo_user, demo_deputy, second_deputy, yl001, unit
):
    deputy = signed_in(client, demo_user("deputy"))

    # Filing: the station defaults to the deputy's own; topics are typed as text.
    page = deputy.get(url("suggestion-new"))
    assert page.status_code == 200 and page.context["form"].initial["station"] == yl001
    assert "lead_deputy" not in page.context["form"].fields  # a deputy files as lead themselves
    response = deputy.post(url("suggestion-new"), filing(yl001, co_signers=[second_deputy.pk]))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    suggestion = Suggestion.objects.latest("pk")
    assert response["Location"] == url("suggestion", suggestion.pk)
    assert suggestion.lead_deputy == demo_deputy and suggestion.station == yl001
    assert suggestion.status == "filed" and suggestion.number.startswith("2026-")
    assert suggestion.topics == ["交通管理", "停车难"]
    assert list(suggestion.co_signers.all()) == [second_deputy]
    sid = suggestion.pk

    # The lead deputy edits it while it is filed, and drops the co-signer.
    edit = filing(yl001, title="关于优化社区公交微循环的建议", topics="交通管理、公交")
    assert deputy.post(url("suggestion-edit", sid), edit).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.title == "关于优化社区公交微循环的建议" and suggestion.topics == ["交通管理", "公交"]
    assert not suggestion.co_signers.exists()
    assert set(SuggestionEvent.objects.get(suggestion=suggestion, action="edit").note.split(",")) == {
        "title", "topics", "co_signers"
    }  # fmt: skip

    # Another deputy of the station co-signs it themselves; twice is a conflict.
    other = signed_in(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), second_deputy.user)
    detail = other.get(url("suggestion", sid))
    assert detail.status_code == 200 and [a for a, _ in detail.context["action_items"]] == ["cosign"]
    assert other.post(url("suggestion-cosign", sid)).status_code == 302
    assert list(suggestion.co_signers.all()) == [second_deputy]
    assert other.post(url("suggestion-cosign", sid)).status_code == 409
    assert suggestion.co_signers.count() == 1

    # County staff assign it: the unit picker has nothing chosen beforehand; without a unit it is a form error.
    county = signed_in(en_client, demo_user("county"))
    detail = county.get(url("suggestion", sid))
    picker = re.search(r'<select name="unit".*?</select>', detail.content.decode(), re.S).group(0)
    assert "selected" not in picker and f'value="{unit.pk}"' in picker
    assert 'data-confirm="' in detail.content.decode()  # the consequential buttons ask first
    refused = county.post(url("suggestion-assign", sid), {})
    assert refused.status_code == 400 and "unit" in dict(refused.context["action_items"])["assign"].errors
    assert Suggestion.objects.get(pk=sid).status == "filed"
    assert county.post(url("suggestion-assign", sid), {"unit": unit.pk}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "assigned" and suggestion.unit == unit
    assert suggestion.assigned_on == datetime.date(2026, 3, 2) and suggestion.deadline == datetime.date(2026, 6, 2)

    # Once assigned, the deputy can no longer edit nor anyone co-sign.
    assert deputy.get(url("suggestion-edit", sid)).status_code == 409
    assert deputy.post(url("suggestion-edit", sid), filing(yl001, title="改")).status_code == 409
    assert Suggestion.objects.get(pk=sid).title == "关于优化社区公交微循环的建议"

    # Extending: past 6 months after assignment, or without a reason, is a form error; then a good one.
    too_long = county.post(url("suggestion-extend", sid), {"deadline": "2026-09-03", "reason": "需协调多部门"})
    assert too_long.status_code == 400
    form = dict(too_long.context["action_items"])["extend"]
    assert "deadline" in form.errors and "2026-09-02" in str(form.errors["deadline"])
    no_reason = county.post(url("suggestion-extend", sid), {"deadline": "2026-08-01", "reason": ""})
    assert no_reason.status_code == 400 and "reason" in dict(no_reason.context["action_items"])["extend"].errors
    assert Suggestion.objects.get(pk=sid).deadline == datetime.date(2026, 6, 2)
    ok = county.post(url("suggestion-extend", sid), {"deadline": "2026-09-02", "reason": "需协调多部门"})
    assert ok.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.deadline == datetime.date(2026, 9, 2) and suggestion.extension_reason == "需协调多部门"

    # The unit's answer, class B.
    assert county.post(url("suggestion-answer", sid), {"answer_class": "D", "answer": "x"}).status_code == 400
    assert Suggestion.objects.get(pk=sid).status == "assigned"
    answered = county.post(url("suggestion-answer", sid), {"answer_class": "B", "answer": "已列入明年计划。"})
    assert answered.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "answered" and suggestion.answer_class == "B"

    # Only the lead deputy assesses: a co-signer is refused (403), an officer's role too.
    assert other.post(url("suggestion-assess", sid), {"assessment": "satisfied"}).status_code == 403
    officer = signed_in(Client(HTTP_ACCEPT_LANGUAGE="en"), demo_user("officer"))
    assert officer.post(url("suggestion-assess", sid), {"assessment": "satisfied"}).status_code == 403
    assert Suggestion.objects.get(pk=sid).status == "answered"

    # Not satisfied: back to the unit once, one more month; the first answer stays in the timeline.
    back = deputy.post(url("suggestion-assess", sid), {"assessment": "not_satisfied", "note": "线路仍未落实"})
    assert back.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "assigned" and suggestion.returned_once and suggestion.answer == ""
    assert suggestion.deadline == datetime.date(2026, 4, 2)
    returned = SuggestionEvent.objects.get(suggestion=suggestion, action="return")
    assert returned.note == "not_satisfied: 线路仍未落实" and returned.by == demo_user("deputy")

    assert (
        county.post(url("suggestion-answer", sid), {"answer_class": "A", "answer": "线路已开通。"}).status_code == 302
    )
    assert deputy.post(url("suggestion-assess", sid), {"assessment": "satisfied"}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "assessed" and suggestion.assessment == "satisfied"

    # Supervision (督办), tied to a supervision activity; then closing (办结).
    activity = Activity.objects.filter(kind="suggestion_supervision").order_by("pk").first()
    assert county.post(url("suggestion-supervise", sid), {"activity": activity.pk}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.supervised and suggestion.supervision_activity == activity
    assert county.post(url("suggestion-close", sid), {"reason": ""}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "closed"
    assert county.post(url("suggestion-close", sid), {}).status_code == 409  # nothing left to close

    assert actions(sid) == [
        "file", "edit", "cosign", "assign", "extend", "answer", "return", "answer", "assess", "supervise", "close"
    ]  # fmt: skip

    # The timeline shows every step with who did it, in the reader's language.
    page = county.get(url("suggestion", sid))
    html = page.content.decode()
    assert page.status_code == 200 and page.context["action_items"] == []
    for label in ("Filed", "Edited", "Co-signed", "Deadline extended", "Not satisfied: sent back to the unit",
                  "Put under supervision", "线路仍未落实", "已列入明年计划。", unit.name, activity.title):  # fmt: skip
        assert label in html, label
    assert f"{second_deputy.name[0]}二" in html  # the co-signer's account, family name first


@time_machine.travel(TODAY, tick=False)
def test_station_staff_file_for_a_resident_and_the_timeline_names_them_family_name_first(
    client, demo_user, demo_deputy, yl001
):
    officer = signed_in(client, demo_user("officer"))  # 伍婷婷 (last name 伍, first name 婷婷)
    page = officer.get(url("suggestion-new"))
    assert page.status_code == 200
    leads = page.context["form"].fields["lead_deputy"].queryset
    assert demo_deputy in leads and all(
        Membership.objects.current().filter(deputy=d, station=yl001).exists() for d in leads
    )
    response = officer.post(url("suggestion-new"), filing(yl001, lead_deputy=demo_deputy.pk, category="rural"))
    assert response.status_code == 302
    suggestion = Suggestion.objects.latest("pk")
    assert suggestion.lead_deputy == demo_deputy and suggestion.category == "rural"
    html = officer.get(url("suggestion", suggestion.pk)).content.decode()
    assert "伍婷婷" in html and "婷婷 伍" not in html
    assert 'lang="zh-hans"' in html and "已提交" in html  # the status in Chinese


@time_machine.travel(TODAY, tick=False)
def test_co_signers_are_picked_among_the_countys_deputies(client, demo_user, demo_deputy):
    page = signed_in(client, demo_user("deputy")).get(url("suggestion-new"))
    choices = page.context["form"].fields["co_signers"].queryset
    assert demo_deputy not in choices  # not their own co-signer
    assert choices.count() > 100  # the whole district, not only the deputy's station
    assert Deputy.objects.filter(pk__in=choices.values("pk")).exclude(memberships__station__code="YL-001").exists()
    assert 'data-filter="#cosigners"' in page.content.decode()  # the filter box


# --- bad input ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": ""}, "title"),
        ({"content": "  "}, "content"),
        ({"category": "culture"}, "category"),
        ({"topics": "交" * 31}, "topics"),
        ({"topics": "、".join(f"主题{n}" for n in range(11))}, "topics"),
        ({"station": "999999"}, "station"),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(client, demo_user, yl001, change, field):
    before = (Suggestion.objects.count(), SuggestionEvent.objects.count())
    response = signed_in(client, demo_user("deputy")).post(url("suggestion-new"), {**filing(yl001), **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert (Suggestion.objects.count(), SuggestionEvent.objects.count()) == before


def test_station_staff_cannot_file_for_a_deputy_of_another_station(client, demo_user, yl001):
    stranger = Deputy.objects.exclude(memberships__station=yl001).order_by("pk").first()
    before = Suggestion.objects.count()
    response = signed_in(client, demo_user("officer")).post(
        url("suggestion-new"), filing(yl001, lead_deputy=stranger.pk)
    )
    assert response.status_code == 400 and "lead_deputy" in response.context["form"].errors
    assert Suggestion.objects.count() == before


def test_a_bad_edit_saves_nothing(client, demo_user, demo_deputy, yl001):
    suggestion = Suggestion.objects.create(
        lead_deputy=demo_deputy, station=yl001, year=2026, title="原标题", content="原内容", category="rural",
        filed_on=datetime.date(2026, 2, 1),
    )  # fmt: skip
    response = signed_in(client, demo_user("deputy")).post(
        url("suggestion-edit", suggestion.pk), filing(yl001, title="新标题", category="unknown")
    )
    assert response.status_code == 400 and "category" in response.context["form"].errors
    suggestion.refresh_from_db()
    assert (suggestion.title, suggestion.category) == ("原标题", "rural")
    assert not SuggestionEvent.objects.filter(suggestion=suggestion).exists()


# --- scope and roles ----------------------------------------------------------------------------------------------


def test_suggestions_outside_the_scope_are_404(client, demo_user, demo_deputy):
    elsewhere = Suggestion.objects.exclude(station__code__in=["YL-001", "YL-002"]).exclude(
        lead_deputy=demo_deputy
    ).exclude(co_signers=demo_deputy).order_by("pk").first()  # fmt: skip
    elsewhere.status = "filed"
    elsewhere.save()
    for username in ("street", "officer", "deputy", "officer-yl003"):
        user_client = signed_in(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), demo_user(username))
        assert user_client.get(url("suggestion", elsewhere.pk)).status_code == 404, username
    deputy = signed_in(client, demo_user("deputy"))
    assert deputy.post(url("suggestion-cosign", elsewhere.pk)).status_code == 404
    assert deputy.get(url("suggestion-edit", elsewhere.pk)).status_code == 404
    assert not elsewhere.co_signers.filter(pk=demo_deputy.pk).exists()
    # A deputy opens the suggestions they co-signed at another station, though.
    cosigned = Suggestion.objects.filter(co_signers=demo_deputy).exclude(station__code="YL-001").first()
    assert deputy.get(url("suggestion", cosigned.pk)).status_code == 200


def test_a_yl001_suggestion_is_404_for_another_stations_officer(client, demo_user, yl001):
    suggestion = Suggestion.objects.filter(station=yl001).first()
    assert signed_in(client, demo_user("officer-yl003")).get(url("suggestion", suggestion.pk)).status_code == 404
    assert signed_in(client, demo_user("officer")).get(url("suggestion", suggestion.pk)).status_code == 200


@pytest.mark.parametrize(
    "username, action, data",
    [
        ("officer", "assign", {"unit": "1"}),
        ("street", "assign", {"unit": "1"}),
        ("deputy", "assign", {"unit": "1"}),
        ("officer", "extend", {"deadline": "2026-08-01", "reason": "x"}),
        ("officer", "answer", {"answer_class": "A", "answer": "x"}),
        ("street", "supervise", {}),
        ("deputy", "supervise", {}),
        ("officer", "close", {"reason": "x"}),
        ("county", "cosign", {}),
        ("officer", "cosign", {}),
    ],
)
def test_roles_that_may_not_act_get_403_and_nothing_changes(client, demo_user, yl001, username, action, data):
    suggestion = Suggestion.objects.filter(station=yl001).order_by("pk").first()
    Suggestion.objects.filter(pk=suggestion.pk).update(status="filed", supervised=False)
    response = signed_in(client, demo_user(username)).post(url(f"suggestion-{action}", suggestion.pk), data)
    assert response.status_code == 403
    fresh = Suggestion.objects.get(pk=suggestion.pk)
    assert (fresh.status, fresh.supervised, fresh.co_signers.count()) == ("filed", False, suggestion.co_signers.count())


def test_street_staff_may_not_file_and_a_co_signer_may_not_edit(client, demo_user, demo_deputy, second_deputy, yl001):
    assert signed_in(client, demo_user("street")).get(url("suggestion-new")).status_code == 403
    suggestion = Suggestion.objects.create(
        lead_deputy=demo_deputy, station=yl001, year=2026, title="原标题", content="原内容", category="rural",
        filed_on=datetime.date(2026, 2, 1),
    )  # fmt: skip
    other = signed_in(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), second_deputy.user)
    assert other.get(url("suggestion-edit", suggestion.pk)).status_code == 403
    assert other.post(url("suggestion-edit", suggestion.pk), filing(yl001)).status_code == 403
    assert Suggestion.objects.get(pk=suggestion.pk).title == "原标题"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(url("suggestion-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    suggestion = Suggestion.objects.first()
    assert client.post(url("suggestion-close", suggestion.pk)).status_code == 302
    assert Suggestion.objects.get(pk=suggestion.pk).status == suggestion.status


# --- the work list ------------------------------------------------------------------------------------------------


def rows(response):
    assert response.status_code == 200, response.content[:500]
    return list(response.context["page"].object_list)


def test_the_work_list_filters(en_client, demo_user, demo_deputy, yl001):
    county = signed_in(en_client, demo_user("county"))
    everything = Suggestion.objects.for_user(demo_user("county"))
    assert county.get(url("suggestion-list")).context["page"].paginator.count == everything.count()

    rural = rows(county.get(url("suggestion-list"), {"year": 2025, "category": "rural"}))
    assert len(rural) == everything.filter(year=2025, category="rural").count() == 5
    assert {(s.year, s.category) for s in rural} == {(2025, "rural")}

    closed = county.get(url("suggestion-list"), {"status": "closed"})
    assert closed.context["page"].paginator.count == everything.filter(status="closed").count() > 0
    assert {s.status for s in rows(closed)} == {"closed"}

    at_station = rows(county.get(url("suggestion-list"), {"station": "YL-001"}))
    assert at_station and {s.station_id for s in at_station} == {yl001.pk}

    target = everything.order_by("pk").first()
    assert [s.pk for s in rows(county.get(url("suggestion-list"), {"q": target.number}))] == [target.pk]
    assert target.pk in [s.pk for s in rows(county.get(url("suggestion-list"), {"q": target.title[2:8]}))]

    mine = rows(county.get(url("suggestion-list"), {"deputy": demo_deputy.name}))
    assert mine and all(s.lead_deputy_id == demo_deputy.pk or demo_deputy in s.co_signers.all() for s in mine)
    assert any(s.lead_deputy_id != demo_deputy.pk for s in mine)  # co-signed ones too

    supervised = county.get(url("suggestion-list"), {"supervised": "1"})
    assert supervised.context["page"].paginator.count == everything.filter(supervised=True).count() > 0
    assert all(s.supervised for s in rows(supervised))
    unsupervised = rows(county.get(url("suggestion-list"), {"supervised": "0"}))
    assert unsupervised and not any(s.supervised for s in unsupervised)

    for bad in ({"year": "abc"}, {"status": "done"}, {"category": "culture"}, {"station": "XX-999"}):
        response = county.get(url("suggestion-list"), bad)
        assert response.status_code == 400 and list(response.context["page"].object_list) == [], bad


@time_machine.travel(TODAY, tick=False)
def test_county_staff_see_the_overdue_and_supervised_ones(en_client, demo_user, unit):
    late = Suggestion.objects.order_by("pk")[:2]
    Suggestion.objects.filter(pk__in=[s.pk for s in late]).update(
        status="assigned", unit=unit, assigned_on=datetime.date(2025, 10, 1), deadline=datetime.date(2026, 1, 1)
    )
    county = signed_in(en_client, demo_user("county"))
    page = county.get(url("suggestion-list"), {"tab": "overdue"})
    overdue = rows(page)
    expected = Suggestion.objects.filter(status="assigned", deadline__lt=datetime.date(2026, 3, 2))
    assert {s.pk for s in overdue} == set(expected.values_list("pk", flat=True)) >= {s.pk for s in late}
    assert [s.deadline for s in overdue] == sorted(s.deadline for s in overdue)  # the most overdue first
    assert page.context["counts"]["overdue"] == expected.count()
    assert {s.pk for s in rows(county.get(url("suggestion-list"), {"overdue": "on"}))} == {s.pk for s in overdue}
    supervised = rows(county.get(url("suggestion-list"), {"tab": "supervised"}))
    assert supervised and all(s.supervised for s in supervised)
    assert len(supervised) == Suggestion.objects.filter(supervised=True).count()


@time_machine.travel(TODAY, tick=False)
def test_a_deputys_list_is_their_own_and_co_signed_ones(client, demo_user, demo_deputy, second_deputy, yl001):
    deputy = signed_in(client, demo_user("deputy"))
    listed = rows(deputy.get(url("suggestion-list")))
    expected = Suggestion.objects.filter(lead_deputy=demo_deputy) | Suggestion.objects.filter(co_signers=demo_deputy)
    assert {s.pk for s in listed} == set(expected.values_list("pk", flat=True))
    assert any(s.lead_deputy_id != demo_deputy.pk for s in listed)
    # A filed suggestion of another deputy at the same station is open for co-signing, not in "mine".
    theirs = Suggestion.objects.create(
        lead_deputy=second_deputy, station=yl001, year=2026, title="他人的建议", content="内容", category="rural",
        filed_on=datetime.date(2026, 2, 1),
    )  # fmt: skip
    assert theirs.pk not in {s.pk for s in rows(deputy.get(url("suggestion-list")))}
    assert [s.pk for s in rows(deputy.get(url("suggestion-list"), {"tab": "cosign"}))] == [theirs.pk]


@pytest.mark.parametrize("username", ["county", "deputy"])
def test_the_work_list_keeps_a_fixed_number_of_queries(en_client, demo_user, django_assert_max_num_queries, username):
    client = signed_in(en_client, demo_user(username))
    counts = []
    for params in ({}, {"page": 2}, {"station": "YL-001", "year": 2025, "q": "建议"}):
        # session, user, the scope (the area's path or the deputy), the filters' years and stations, the tab
        # counts (staff), the count, the page, its co-signers; the chosen station
        with django_assert_max_num_queries(10) as captured:
            response = client.get(url("suggestion-list"), params)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]  # whatever the page


# --- the deputy desk and the nav ---------------------------------------------------------------------------------


def test_the_deputy_desk_links_to_the_suggestions_and_to_filing(client, demo_user, demo_deputy):
    html = signed_in(client, demo_user("deputy")).get(reverse("desk:home")).content.decode()
    own = Suggestion.objects.filter(lead_deputy=demo_deputy).first()
    assert f'href="{url("suggestion", own.pk)}"' in html
    assert f'href="{url("suggestion-new")}"' in html
    assert f'href="{url("suggestion-list")}"' in html


def test_the_staff_nav_has_a_suggestions_entry(client, demo_user):
    html = signed_in(client, demo_user("county")).get(url("suggestion-list")).content.decode()
    assert re.search(rf'<a class="nav-link active" href="{url("suggestion-list")}">代表建议</a>', html)
