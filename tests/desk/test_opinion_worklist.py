"""The opinion work list (/desk/opinions/): scope, every filter, search, sorting, paging, a fixed number of
queries; bulk assignment (confirmed first, all or nothing); the unit picker, reassignment and the timeline on the
opinion's page; the dashboard's overdue list linking here."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from stations.models import Area, Station
from tests.accounts.factories import UserFactory
from tests.stations.factories import AreaFactory, StationFactory, StationStaffFactory, StreetFactory
from visits import services
from visits.models import Opinion, OpinionEvent, ResponsibleUnit

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CODE_RE = re.compile(r'href="/desk/opinions/\d+/">([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})</a>')
TZ = timezone.get_current_timezone()


def login(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def codes(response) -> set[str]:
    assert response.status_code == 200, response.status_code
    return set(CODE_RE.findall(response.content.decode()))


def listed(response) -> list[str]:
    return CODE_RE.findall(response.content.decode())


def at(day: str) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(10), tzinfo=TZ)


# ---------------------------------------------------------------------------------------------------------
# A small county of our own: every opinion in it is known, so each filter's result is an exact set.


class County:
    def __init__(self):
        self.county = AreaFactory(code="WL0", name="工作清单区")
        self.east = StreetFactory(code="WL1", name="东街道", parent=self.county)
        self.west = StreetFactory(code="WL2", name="西街道", kind=Area.Kind.TOWNSHIP, parent=self.county)
        self.a = StationFactory(code="WL-A", area=self.east, kind=Station.Kind.AREA)
        self.b = StationFactory(code="WL-B", area=self.east, kind=Station.Kind.COMMUNITY)
        self.c = StationFactory(code="WL-C", area=self.west, kind=Station.Kind.AREA)
        self.county_user = UserFactory(username="wl-county", role=Role.COUNTY, area=self.county)
        self.street_user = UserFactory(username="wl-street", role=Role.STREET, area=self.east)
        self.officer = StationStaffFactory(
            station=self.a, user=UserFactory(username="wl-officer", role=Role.OFFICER)
        ).user
        self.unit_east = ResponsibleUnit.objects.create(
            name="东街道办事处（测试）", kind=ResponsibleUnit.Kind.STREET_OFFICE, area=self.east
        )
        self.unit_dept = ResponsibleUnit.objects.create(name="区测试局", kind=ResponsibleUnit.Kind.DEPARTMENT)
        self.opinions: dict[str, Opinion] = {}

    def opinion(self, key, *, station, status="received", channel="visit", day="2026-03-02", unit=None, text=""):
        by = self.county_user
        opinion = services.opinion_create(
            by=by, station=station, channel=channel, content=text or f"意见{key}：路灯不亮", received_at=at(day)
        ).opinion
        steps = {
            "registered": [("register", {})],
            "assigned": [("register", {}), ("assign", {"unit": (unit or self.unit_dept).pk})],
            "in_progress": [("register", {}), ("assign", {"unit": (unit or self.unit_dept).pk}), ("start", {})],
            "closed": [
                ("register", {}),
                ("assign", {"unit": (unit or self.unit_dept).pk}),
                ("start", {}),
                ("answer", {"answer": "已处理"}),
                ("rate", {"satisfied": True}),
            ],
            "rejected": [("reject", {"reason": "不属于受理范围"})],
        }.get(status, [])
        for action, params in steps:
            services.opinion_transition(opinion=opinion, action=action, by=by, **params)
        opinion.refresh_from_db()
        self.opinions[key] = opinion
        return opinion

    def code(self, *keys) -> set[str]:
        return {self.opinions[k].tracking_code for k in keys}


@pytest.fixture
def wl():
    county = County()
    county.opinion("a-received", station=county.a, channel="phone", day="2026-01-05")
    county.opinion("a-registered", station=county.a, status="registered", day="2026-02-10")
    county.opinion("a-assigned", station=county.a, status="assigned", unit=county.unit_east, day="2026-03-15")
    county.opinion("b-progress", station=county.b, status="in_progress", channel="online", day="2026-04-01")
    county.opinion("b-closed", station=county.b, status="closed", day="2026-05-20", text="小区垃圾清运不及时")
    county.opinion("c-rejected", station=county.c, status="rejected", day="2026-06-01")
    county.opinion("c-registered", station=county.c, status="registered", channel="phone", day="2026-07-01")
    # One overdue: its registration deadline has passed.
    Opinion.objects.filter(pk=county.opinions["a-received"].pk).update(register_due=datetime.date(2026, 1, 7))
    for key in ("a-registered", "c-registered"):  # and these not: their assignment is due far ahead
        Opinion.objects.filter(pk=county.opinions[key].pk).update(
            assign_due=timezone.localdate() + datetime.timedelta(30)
        )
    Opinion.objects.filter(pk__in=[county.opinions[k].pk for k in ("a-assigned", "b-progress")]).update(
        answer_due=timezone.localdate() + datetime.timedelta(30)
    )
    return county


ALL = {"a-received", "a-registered", "a-assigned", "b-progress", "b-closed", "c-rejected", "c-registered"}


# ---------------------------------------------------------------------------------------------------------
# Scope


def test_county_sees_every_opinion_of_the_county_street_only_their_streets(wl):
    assert codes(login(wl.county_user).get("/desk/opinions/")) == wl.code(*ALL)
    street = login(wl.street_user)
    east = {k for k in ALL if not k.startswith("c-")}
    assert codes(street.get("/desk/opinions/")) == wl.code(*east)
    other = wl.opinions["c-registered"]
    assert street.get(f"/desk/opinions/{other.pk}/").status_code == 404
    assert codes(street.get(f"/desk/opinions/?q={other.tracking_code}")) == set()
    # An officer's work list is their station's.
    assert codes(login(wl.officer).get("/desk/opinions/")) == wl.code("a-received", "a-registered", "a-assigned")


def test_demo_street_staff_see_only_their_two_stations(demo_user):
    street = login(demo_user("street"))
    html = street.get("/desk/opinions/?sort=-received").content.decode()
    stations = set(re.findall(r">(YL-\d{3})", html))
    assert stations and stations <= {"YL-001", "YL-002"}
    elsewhere = Opinion.objects.filter(station__code="YL-010").first()
    assert street.get(f"/desk/opinions/{elsewhere.pk}/").status_code == 404
    county = login(demo_user("county")).get("/desk/opinions/").content.decode()
    assert f"{Opinion.objects.count()} opinions" in county


def test_who_may_open_the_work_list(demo_user, client):
    assert client.get("/desk/opinions/").status_code == 302  # sign in first
    assert login(demo_user("deputy")).get("/desk/opinions/").status_code == 403
    for username in ("officer", "street", "county", "admin"):
        response = login(demo_user(username)).get("/desk/")
        assert response.status_code == 200
    nav = login(demo_user("street")).get("/desk/opinions/").content.decode()
    assert 'class="nav-link active" href="/desk/opinions/"' in nav


# ---------------------------------------------------------------------------------------------------------
# Filters, search, sorting


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=registered", {"a-registered", "c-registered"}),
        ("status=closed&status=rejected", {"b-closed", "c-rejected"}),
        ("status=received", {"a-received"}),
        ("status=in_progress&status=assigned", {"a-assigned", "b-progress"}),
        ("station=WL-B", {"b-progress", "b-closed"}),
        ("channel=phone", {"a-received", "c-registered"}),
        ("channel=online", {"b-progress"}),
        ("overdue=1", {"a-received"}),
        ("received_from=2026-03-01&received_to=2026-05-31", {"a-assigned", "b-progress", "b-closed"}),
        ("received_to=2026-02-10", {"a-received", "a-registered"}),
        ("kind=community", {"b-progress", "b-closed"}),
        ("q=垃圾清运", {"b-closed"}),
        ("status=registered&station=WL-C", {"c-registered"}),
    ],
)
def test_each_filter_narrows_to_the_exact_set(wl, query, expected):
    assert codes(login(wl.county_user).get(f"/desk/opinions/?{query}")) == wl.code(*expected)


def test_area_and_unit_filters(wl):
    county = login(wl.county_user)
    assert codes(county.get(f"/desk/opinions/?area={wl.west.pk}")) == wl.code("c-rejected", "c-registered")
    assert codes(county.get(f"/desk/opinions/?area={wl.county.pk}")) == wl.code(*ALL)
    assert codes(county.get(f"/desk/opinions/?unit={wl.unit_east.pk}")) == wl.code("a-assigned")
    assert codes(county.get(f"/desk/opinions/?unit={wl.unit_dept.pk}")) == wl.code("b-progress", "b-closed")
    # An area outside the user's scope is not a choice: the filter is refused and says so.
    street = login(wl.street_user).get(f"/desk/opinions/?area={wl.west.pk}")
    assert "not understood" in street.content.decode()


def test_search_by_tracking_code_in_any_case_with_or_without_dashes(wl):
    county = login(wl.county_user)
    code = wl.opinions["b-progress"].tracking_code
    assert codes(county.get(f"/desk/opinions/?q={code}")) == {code}
    assert codes(county.get(f"/desk/opinions/?q={code.lower().replace('-', '')}")) == {code}
    assert codes(county.get(f"/desk/opinions/?q={code[:9]}")) == {code}


def test_sorting_by_due_date_and_by_receipt(wl):
    county = login(wl.county_user)
    by_received = listed(county.get("/desk/opinions/?sort=received"))
    assert by_received == [o.tracking_code for o in sorted(wl.opinions.values(), key=lambda o: o.received_at)]
    assert listed(county.get("/desk/opinions/?sort=-received")) == by_received[::-1]
    by_due = listed(county.get("/desk/opinions/"))  # the default: the soonest deadline first, none last
    assert by_due[0] == wl.opinions["a-received"].tracking_code
    assert set(by_due[-2:]) == wl.code("b-closed", "c-rejected")


def test_pages_of_fifty_keep_the_filters(demo_user):
    county = login(demo_user("county"))
    first = county.get("/desk/opinions/?status=closed&sort=-received")
    assert len(listed(first)) == 50
    html = first.content.decode()
    assert 'href="?status=closed&amp;sort=-received&amp;page=2"' in html
    second = county.get("/desk/opinions/?status=closed&sort=-received&page=2")
    assert len(listed(second)) == 50 and not set(listed(first)) & set(listed(second))


def test_the_page_makes_a_fixed_number_of_queries(demo_user, django_assert_max_num_queries):
    county = login(demo_user("county"))
    county.get("/desk/opinions/")
    code = Opinion.objects.filter(status="registered").first().tracking_code
    with CaptureQueriesContext(connection) as one_row:
        assert len(listed(county.get(f"/desk/opinions/?q={code}"))) == 1
    with django_assert_max_num_queries(12):
        full = county.get("/desk/opinions/?sort=-received")
    assert len(listed(full)) == 50
    with CaptureQueriesContext(connection) as fifty_rows:
        county.get("/desk/opinions/?sort=-received")
    assert len(fifty_rows) == len(one_row)


def test_every_row_links_to_the_opinion(wl):
    html = login(wl.county_user).get("/desk/opinions/").content.decode()
    for opinion in wl.opinions.values():
        assert f'href="/desk/opinions/{opinion.pk}/">{opinion.tracking_code}</a>' in html


# ---------------------------------------------------------------------------------------------------------
# Bulk assignment


def test_bulk_assign_names_the_unit_first_then_assigns_every_one(wl):
    street = login(wl.street_user)
    page = street.get("/desk/opinions/?status=registered").content.decode()
    picks = re.findall(r'name="opinions" value="(\d+)" form="bulk-assign"', page)
    assert picks == [str(wl.opinions["a-registered"].pk)]  # only registered ones of the user's scope
    assert 'list="unit-names"' in page and '<datalist id="unit-names">' in page

    extra = wl.opinion("b-registered", station=wl.b, status="registered")
    ids = [wl.opinions["a-registered"].pk, extra.pk]
    body = {"opinions": ids, "unit": wl.unit_east.name, "back": "status=registered"}
    confirm = street.post("/desk/opinions/assign/", body)
    html = confirm.content.decode()
    assert confirm.status_code == 200 and f"<strong>{wl.unit_east.name}</strong>" in html
    assert all(wl.opinions[k].tracking_code in html for k in ("a-registered", "b-registered"))
    assert Opinion.objects.filter(pk__in=ids, status="registered").count() == 2  # nothing saved yet

    done = street.post("/desk/opinions/assign/", {**body, "unit": wl.unit_east.pk, "confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == "/desk/opinions/?status=registered"
    assert set(Opinion.objects.filter(pk__in=ids).values_list("status", "unit")) == {("assigned", wl.unit_east.pk)}
    assert OpinionEvent.objects.filter(opinion_id__in=ids, action="assign", actor=wl.street_user).count() == 2
    assert "2 opinions assigned to" in street.get(done["Location"]).content.decode()


def test_bulk_assign_is_all_or_nothing_and_says_which_failed(wl):
    county = login(wl.county_user)
    ok, late = wl.opinions["a-registered"], wl.opinions["c-registered"]
    services.opinion_transition(opinion=late, action="reject", by=wl.county_user, reason="重复")
    body = {"opinions": [ok.pk, late.pk], "unit": wl.unit_dept.name, "confirmed": "1"}
    response = county.post("/desk/opinions/assign/", body)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Nothing was assigned" in html and late.tracking_code in html and "not allowed" in html
    assert Opinion.objects.get(pk=ok.pk).status == "registered" and Opinion.objects.get(pk=ok.pk).unit is None
    assert not OpinionEvent.objects.filter(opinion=ok, action="assign").exists()
    # The first step already warns, and offers no confirmation.
    first = county.post("/desk/opinions/assign/", {**body, "confirmed": ""}).content.decode()
    assert "Only registered opinions can be assigned" in first and 'name="confirmed" value="1"' in first
    assert "Yes, assign them" not in first


def test_bulk_assign_refuses_an_unknown_unit_without_losing_the_selection(wl):
    county = login(wl.county_user)
    pk = wl.opinions["a-registered"].pk
    response = county.post("/desk/opinions/assign/", {"opinions": [pk], "unit": "没有这个单位"})
    html = response.content.decode()
    assert response.status_code == 400 and "Unknown or inactive responsible unit" in html
    assert f'name="opinions" value="{pk}"' in html and 'value="没有这个单位"' in html
    empty = county.post("/desk/opinions/assign/", {"opinions": [pk], "unit": "", "confirmed": "1"})
    assert empty.status_code == 400 and "Choose the responsible unit" in empty.content.decode()
    assert Opinion.objects.get(pk=pk).status == "registered"


def test_bulk_assign_needs_the_role_a_selection_and_the_scope(wl):
    pk = wl.opinions["c-registered"].pk
    assert login(wl.officer).post("/desk/opinions/assign/", {"opinions": [pk], "unit": "x"}).status_code == 403
    street = login(wl.street_user)
    outside = street.post("/desk/opinions/assign/", {"opinions": [pk], "unit": wl.unit_dept.pk, "confirmed": "1"})
    assert outside.status_code == 302
    assert "not in your area" in street.get(outside["Location"]).content.decode()
    none = street.post("/desk/opinions/assign/", {"unit": wl.unit_dept.pk, "confirmed": "1"})
    assert none.status_code == 302 and "Select the opinions" in street.get(none["Location"]).content.decode()
    assert Opinion.objects.get(pk=pk).status == "registered"


# ---------------------------------------------------------------------------------------------------------
# The unit picker, assigning and reassigning one opinion, the timeline


def test_the_unit_picker_preselects_nothing_and_asks_to_confirm(wl):
    opinion = wl.opinions["a-registered"]
    html = login(wl.street_user).get(f"/desk/opinions/{opinion.pk}/").content.decode()
    picker = re.search(r'<input[^>]*name="unit"[^>]*>', html).group(0)
    assert 'list="unit-names"' in picker and "required" in picker and 'value=""' in picker
    assert set(re.findall(r'<(\w+)[^>]*name="unit"', html)) == {"input"}
    assert f'data-confirm="Assign {opinion.tracking_code} to “{{unit}}”?"' in html
    assert f'<option value="{wl.unit_east.name}">' in html and "selected" not in html.split("<datalist")[1]
    assert "js/opinion_actions" in html


def test_an_unconfirmed_assignment_is_not_saved(wl):
    street = login(wl.street_user)
    opinion = wl.opinions["a-registered"]
    url = f"/desk/opinions/{opinion.pk}/transition/"
    page = street.post(url, {"action": "assign", "unit": wl.unit_east.name})  # no script: the server asks
    html = page.content.decode()
    assert page.status_code == 200 and f"<strong>{wl.unit_east.name}</strong>" in html
    assert f'name="unit" value="{wl.unit_east.pk}"' in html and 'name="confirmed" value="1"' in html
    row = street.post(url, {"action": "assign", "unit": wl.unit_east.name}, **HTMX)
    assert row["X-Transition-Status"] == "400" and "Confirm the responsible unit first" in row.content.decode()
    typo = street.post(url, {"action": "assign", "unit": "东街道"}, **HTMX)
    assert typo["X-Transition-Status"] == "400" and "Unknown or inactive" in typo.content.decode()
    assert Opinion.objects.get(pk=opinion.pk).status == "registered"
    # An officer is told at once that the role may not assign, before any confirmation.
    denied = login(wl.officer).post(url, {"action": "assign", "unit": wl.unit_east.name}, **HTMX)
    assert denied["X-Transition-Status"] == "403"
    done = street.post(url, {"action": "assign", "unit": wl.unit_east.name, "confirmed": "1"}, **HTMX)
    assert done["X-Transition-Status"] == "200"
    assert Opinion.objects.get(pk=opinion.pk).unit == wl.unit_east


def test_reassign_on_the_opinion_page_with_a_reason_and_a_confirmation(wl):
    street = login(wl.street_user)
    opinion = wl.opinions["a-assigned"]
    page = street.get(f"/desk/opinions/{opinion.pk}/").content.decode()
    assert 'value="reassign"' in page and 'name="reason"' in page and "Reassign " in page
    url = f"/desk/opinions/{opinion.pk}/transition/"
    no_reason = street.post(url, {"action": "reassign", "unit": wl.unit_dept.name, "confirmed": "1"})
    assert no_reason.status_code == 302
    assert "Give the reason" in street.get(no_reason["Location"]).content.decode()
    body = {"action": "reassign", "unit": wl.unit_dept.name, "reason": "属区测试局职责"}
    confirm = street.post(url, body).content.decode()
    assert f"from “{wl.unit_east.name}” to <strong>{wl.unit_dept.name}</strong>" in confirm
    assert Opinion.objects.get(pk=opinion.pk).unit == wl.unit_east
    done = street.post(url, {**body, "unit": wl.unit_dept.pk, "confirmed": "1"})
    assert done.status_code == 302
    opinion.refresh_from_db()
    assert opinion.unit == wl.unit_dept and opinion.status == "assigned"
    event = opinion.events.get(action="reassign")
    assert event.note == f"{wl.unit_east.name} → {wl.unit_dept.name}：属区测试局职责"
    timeline = street.get(f"/desk/opinions/{opinion.pk}/").content.decode()
    assert "Reassigned" in timeline and "status unchanged" in timeline and "属区测试局职责" in timeline
    # Registered opinions are assigned, not reassigned: the page does not offer it.
    registered = street.get(f"/desk/opinions/{wl.opinions['a-registered'].pk}/").content.decode()
    assert 'value="reassign"' not in registered


def test_the_timeline_shows_every_step_with_who_when_and_the_status_change(wl):
    county = wl.county_user
    opinion = wl.opinions["a-registered"]
    services.record_update(by=county, record=opinion, reason="更正类别", category="城市管理")
    services.record_void(by=county, record=opinion, reason="重复录入")
    services.record_restore(by=county, record=Opinion.all_objects.get(pk=opinion.pk), reason="并非重复")
    html = login(county, "zh-hans").get(f"/desk/opinions/{opinion.pk}/").content.decode()
    timeline = html.split('id="timeline"')[1].split("</ol>")[0]
    events = list(OpinionEvent.objects.filter(opinion=opinion).order_by("at", "id"))
    assert [e.action for e in events] == ["receive", "register", "correct", "void", "restore"]
    assert timeline.count("list-group-item") == len(events)
    for label in ("已收到", "已登记", "更正类别", "重复录入", "并非重复"):
        assert label in timeline
    assert timeline.count(county.username) == len(events)  # who: the county user did every step here
    assert "已收到 → 已登记" in timeline  # from → to
    assert timeline.index("更正类别") < timeline.index("重复录入") < timeline.index("并非重复")
    en = login(county).get(f"/desk/opinions/{opinion.pk}/").content.decode()
    for label in ("Corrected", "Voided", "Restored", "status unchanged"):
        assert label in en


# ---------------------------------------------------------------------------------------------------------
# The station desk and the dashboard lead here


def test_the_station_desk_links_to_the_station_work_list(demo_user):
    html = login(demo_user("street")).get("/desk/YL-001/").content.decode()
    assert 'href="/desk/opinions/?station=YL-001"' in html
    assert '<datalist id="unit-names">' in html
    unit_fields = re.findall(r'<(\w+)[^>]*name="unit"', html)
    assert unit_fields and set(unit_fields) == {"input"}  # a searchable input, never a select with a first unit


def test_the_dashboard_overdue_list_links_to_each_opinion_and_to_the_work_list(demo_user):
    county = login(demo_user("county"))
    html = county.get("/dashboard/").content.decode()
    overdue = html.split('id="overdue-list"')[1].split("</ul>")[0]
    links = re.findall(r'href="/desk/opinions/(\d+)/"', overdue)
    assert links and all(Opinion.objects.overdue().filter(pk=pk).exists() for pk in links)
    assert 'href="/desk/opinions/?overdue=1">' in html
    street_area = Area.objects.get(pk=demo_user("street").area_id)
    scoped = county.get(f"/dashboard/?area={street_area.pk}").content.decode()
    assert f'href="/desk/opinions/?overdue=1&amp;area={street_area.pk}"' in scoped
    listed_overdue = codes(county.get(f"/desk/opinions/?overdue=1&area={street_area.pk}"))
    expected = Opinion.objects.overdue().filter(station__street=street_area)
    assert listed_overdue == set(expected.values_list("tracking_code", flat=True))
