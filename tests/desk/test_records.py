"""Correcting what people entered, through the desk's pages: edit, void (with a reason), restore, undo and the
change history of visit logs, outreach, practical matters and opinions; the county's voided records; the entry
forms without traps (an empty people count, a one-stop date, errors named next to their fields).

Every assertion about a change reads the database."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from stations.models import Station
from visits import services
from visits.models import Opinion, Outreach, PracticalMatter, VisitLog

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def page(demo_user):
    """A page client in English signed in as a demo user."""

    def make(username):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(demo_user(username))
        return client

    return make


def url(kind, pk, action):
    return f"/desk/records/{kind}/{pk}/{action}/"


def a_visit_log(code="YL-001", **filters) -> VisitLog:
    return VisitLog.objects.filter(station__code=code, **filters).order_by("-date", "-id").first()


def fresh(record):
    return type(record).all_objects.get(pk=record.pk)


def desk_html(client, code="YL-001") -> str:
    response = client.get(f"/desk/{code}/")
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------------
# Edit


def test_officer_corrects_a_visit_log_of_their_station_and_undoes_the_correction(page, demo_user):
    officer = page("officer")
    log = a_visit_log(visitor_phone__regex=r"^1\d{10}$")
    phone, name, people, topics = log.visitor_phone, log.visitor_name, log.people_count, log.topics
    form = officer.get(url("visit_log", log.pk, "edit"))
    assert form.status_code == 200
    html = form.content.decode()
    assert phone not in html and f'value="{log.masked_visitor_phone}"' in html  # personal data masked
    assert f'value="{people}"' in html and f'value="{log.date:%Y-%m-%d}"' in html
    assert "autofocus" not in html  # no focus into a prefilled field

    data = {
        "people_count": people + 2,
        "date": f"{log.date:%Y/%m/%d}",  # the same day written another way
        "reception_day": log.reception_day_id or "",
        "deputies": list(log.deputies.values_list("pk", flat=True)),
        "topics": "更正后的话题",
        "summary": log.summary,
        "visitor_name": log.masked_visitor_name,  # sent back masked: unchanged
        "visitor_phone": log.masked_visitor_phone,
        "reason": "人数录错",
    }
    saved = officer.post(url("visit_log", log.pk, "edit"), data)
    assert saved.status_code == 302 and saved["Location"] == "/desk/YL-001/#visits"
    log = fresh(log)
    assert (log.people_count, log.topics) == (people + 2, "更正后的话题")
    assert (log.visitor_phone, log.visitor_name) == (phone, name)
    latest = log.history.first()
    assert latest.history_change_reason == "人数录错" and latest.history_user == demo_user("officer")

    html = desk_html(officer)
    assert f"Corrected: {log.date:%Y-%m-%d}, {people + 2} people received" in html
    assert f'action="{url("visit_log", log.pk, "undo")}"' in html and 'name="op" value="edit"' in html
    undone = officer.post(url("visit_log", log.pk, "undo"), {"op": "edit"})
    assert undone.status_code == 302
    log = fresh(log)
    assert (log.people_count, log.topics, log.visitor_phone) == (people, topics, phone)
    assert "Edit undone" in desk_html(officer)


def test_an_edit_that_changes_nothing_saves_nothing(page):
    officer = page("officer")
    log = a_visit_log()
    versions = log.history.count()
    form = officer.get(url("visit_log", log.pk, "edit")).content.decode()
    data = {
        "people_count": log.people_count,
        "date": f"{log.date:%Y-%m-%d}",
        "reception_day": log.reception_day_id or "",
        "deputies": list(log.deputies.values_list("pk", flat=True)),
        "topics": log.topics,
        "summary": log.summary,
        "visitor_name": log.masked_visitor_name,
        "visitor_phone": log.masked_visitor_phone,
    }
    assert 'name="reason"' in form
    assert officer.post(url("visit_log", log.pk, "edit"), data).status_code == 302
    assert fresh(log).history.count() == versions
    assert "Nothing was changed" in desk_html(officer)


def test_an_invalid_correction_is_shown_next_to_its_field_and_changes_nothing(page):
    officer = page("officer")
    log = a_visit_log()
    before = (log.people_count, log.date)
    response = officer.post(
        url("visit_log", log.pk, "edit"),
        {"people_count": "0", "date": "2099-01-01", "topics": "x"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = re.search(r"<input[^>]*name=\"people_count\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in field and "autofocus" in field  # focus on the first invalid field
    assert 'aria-describedby="visit_people_count_error"' in field and 'id="visit_people_count_error"' in html
    assert 'id="visit_date_error"' in html
    log = fresh(log)
    assert (log.people_count, log.date) == before


def test_street_staff_correct_the_stations_of_their_street_only(page):
    street = page("street")
    outreach = Outreach.objects.filter(station__code="YL-002").order_by("-date").first()
    response = street.post(
        url("outreach", outreach.pk, "edit"),
        {
            "date": f"{outreach.date:%Y%m%d}",
            "people_count": outreach.people_count + 1,
            "place": outreach.place,
            "summary": outreach.summary,
        },
    )
    assert response.status_code == 302
    assert fresh(outreach).people_count == outreach.people_count + 1
    elsewhere = VisitLog.objects.filter(station__code="YL-003").first()
    for action in ("edit", "void", "history"):
        assert street.get(url("visit_log", elsewhere.pk, action)).status_code == 404
    assert street.post(url("visit_log", elsewhere.pk, "void"), {"reason": "x"}).status_code == 404
    assert fresh(elsewhere).voided_at is None


def test_another_stations_record_is_404_and_a_deputy_may_not_touch_visit_logs(page):
    officer, deputy = page("officer"), page("deputy")
    other = a_visit_log("YL-002")
    for action in ("edit", "void", "history", "restore"):
        assert officer.get(url("visit_log", other.pk, action)).status_code == 404
    assert officer.post(url("visit_log", other.pk, "undo"), {"op": "edit"}).status_code == 404
    mine = a_visit_log()
    assert deputy.get(url("visit_log", mine.pk, "edit")).status_code == 403
    assert deputy.post(url("visit_log", mine.pk, "void"), {"reason": "x"}).status_code == 403
    assert deputy.get(url("visit_log", mine.pk, "history")).status_code == 403
    assert fresh(mine).voided_at is None
    assert page("county").get(url("visit_log", other.pk, "history")).status_code == 200


def test_a_deputy_corrects_only_their_own_outreach(page, demo_user):
    deputy = page("deputy")
    me = demo_user("deputy").deputy
    own = Outreach.objects.filter(deputy=me).first()
    other = Outreach.objects.filter(station__in=me.memberships.values("station")).exclude(deputy=me).first()
    assert deputy.get(url("outreach", own.pk, "edit")).status_code == 200
    response = deputy.post(
        url("outreach", own.pk, "edit"),
        {"date": f"{own.date:%Y-%m-%d}", "people_count": own.people_count + 3, "place": own.place, "summary": ""},
    )
    assert response.status_code == 302 and response["Location"] == "/desk/"
    assert fresh(own).people_count == own.people_count + 3
    assert deputy.post(url("outreach", other.pk, "void"), {"reason": "不是我的"}).status_code == 403
    assert fresh(other).voided_at is None


def test_practical_matter_and_opinion_corrections(page, demo_user):
    officer = page("officer")
    pm = PracticalMatter.objects.filter(station__code="YL-001").first()
    response = officer.post(
        url("practical_matter", pm.pk, "edit"),
        {"title": "更正的实事标题", "date": f"{pm.date:%Y-%m-%d}", "beneficiaries": "", "summary": pm.summary},
    )
    assert response.status_code == 302
    pm = fresh(pm)
    assert (pm.title, pm.beneficiaries) == ("更正的实事标题", 0)

    station = Station.objects.get(code="YL-001")
    entered = services.opinion_create(by=demo_user("officer"), station=station, channel="visit", content="路灯坏了")
    opinion = entered.opinion
    edit = officer.get(f"/desk/opinions/{opinion.pk}/edit/")
    assert edit.status_code == 200 and 'name="citizen_phone"' not in edit.content.decode()
    response = officer.post(
        url("opinion", opinion.pk, "edit"), {"channel": "phone", "category": "交通出行", "content": "更正后的内容"}
    )
    assert response.status_code == 302
    assert fresh(opinion).content == "更正后的内容"
    handled = Opinion.objects.filter(station=station).exclude(status__in=["received", "registered"]).first()
    refused = officer.get(url("opinion", handled.pk, "edit"))
    assert refused.status_code == 409 and "reject or close it instead" in refused.content.decode()
    assert officer.post(url("opinion", handled.pk, "void"), {"reason": "x"}).status_code == 409
    assert fresh(handled).voided_at is None


# ---------------------------------------------------------------------------------------------------------
# Void, restore, undo


def test_void_needs_a_reason_and_leaves_the_desk_lists(page, demo_user):
    officer = page("officer")
    log = a_visit_log()
    confirm = officer.get(url("visit_log", log.pk, "void"))
    assert confirm.status_code == 200 and 'name="reason"' in confirm.content.decode()
    empty = officer.post(url("visit_log", log.pk, "void"), {"reason": "  "})
    assert empty.status_code == 400 and "Give the reason." in empty.content.decode()
    assert fresh(log).voided_at is None
    assert f'id="visit-log-{log.pk}"' in desk_html(officer)

    assert officer.post(url("visit_log", log.pk, "void"), {"reason": "重复录入"}).status_code == 302
    log = fresh(log)
    assert log.voided_at and log.void_reason == "重复录入" and log.voided_by == demo_user("officer")
    html = desk_html(officer)
    assert f'id="visit-log-{log.pk}"' not in html  # gone from the desk's list
    assert "Voided:" in html and 'name="op" value="void"' in html  # with its undo
    assert not VisitLog.objects.filter(pk=log.pk).exists()

    county = page("county").get("/desk/records/voided/?station=YL-001").content.decode()
    assert f'id="voided-visit_log-{log.pk}"' in county and "重复录入" in county
    assert url("visit_log", log.pk, "restore") in county

    # the voider undoes it within the window
    assert officer.post(url("visit_log", log.pk, "undo"), {"op": "void"}).status_code == 302
    assert fresh(log).voided_at is None
    assert f'id="visit-log-{log.pk}"' in desk_html(officer)


def test_restore_by_the_voider_after_the_window_is_refused_and_county_restores(page, settings):
    officer, county = page("officer"), page("county")
    log = a_visit_log()
    assert officer.post(url("visit_log", log.pk, "void"), {"reason": "录错站点"}).status_code == 302
    late = timezone.now() - datetime.timedelta(seconds=settings.UNDO_WINDOW_SECONDS + 60)
    VisitLog.all_objects.filter(pk=log.pk).update(voided_at=late)
    assert officer.get(url("visit_log", log.pk, "restore")).status_code == 403
    assert officer.post(url("visit_log", log.pk, "restore"), {"reason": "x"}).status_code == 403
    assert officer.post(url("visit_log", log.pk, "undo"), {"op": "void"}).status_code == 302  # refused, said so
    assert fresh(log).voided_at is not None
    assert "Only county staff restore a voided record." in desk_html(officer)

    listing = county.get("/desk/records/voided/").content.decode()
    assert f'id="voided-visit_log-{log.pk}"' in listing
    page_ = county.get(url("visit_log", log.pk, "restore") + "?next=/desk/records/voided/")
    assert page_.status_code == 200
    done = county.post(url("visit_log", log.pk, "restore"), {"reason": "核实无误", "next": "/desk/records/voided/"})
    assert done.status_code == 302 and done["Location"] == "/desk/records/voided/"
    log = fresh(log)
    assert log.voided_at is None and log.history.first().history_change_reason == "核实无误"
    assert f'id="voided-visit_log-{log.pk}"' not in county.get("/desk/records/voided/").content.decode()


def test_voided_records_are_for_county_staff(page):
    assert page("officer").get("/desk/records/voided/").status_code == 403
    assert page("street").get("/desk/records/voided/").status_code == 403
    assert page("county").get("/desk/records/voided/").status_code == 200
    assert "/desk/records/voided/?station=YL-001" in desk_html(page("county"))
    assert 'href="/desk/records/voided/"' in page("county").get("/desk/").content.decode()  # the county's desk home
    assert "/desk/records/voided/" not in desk_html(page("officer"))


def test_a_new_entry_offers_undo_which_voids_it(page):
    officer = page("officer")
    today = timezone.localdate()
    response = officer.post("/desk/YL-001/visits/", {"date": f"{today:%Y%m%d}", "people_count": "3"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    log = VisitLog.objects.filter(station__code="YL-001").order_by("-id").first()
    assert log.people_count == 3 and log.date == today
    assert f"Saved: {today:%Y-%m-%d}, 3 people received" in html and 'role="status"' in html
    assert 'name="op" value="entry"' in html and 'hx-target="#visits"' in html
    people = re.search(r"<input[^>]*name=\"people_count\"[^>]*>", html).group(0)
    assert "value=" not in people and "autofocus" in people  # the next entry starts empty, focused

    undone = officer.post(url("visit_log", log.pk, "undo"), {"op": "entry", "panel": "visits"}, **HTMX)
    assert undone.status_code == 200 and undone.content.decode().lstrip().startswith('<section id="visits"')
    log = fresh(log)
    assert log.voided_at is not None and log.void_reason == "Undone right after entry"
    assert f'id="visit-log-{log.pk}"' not in undone.content.decode()
    # an entry can be undone once, by the person who made it
    assert page("county").post(url("visit_log", log.pk, "undo"), {"op": "entry"}).status_code == 302
    assert fresh(log).voided_at is not None


def test_undo_of_an_old_entry_is_refused(page, demo_user, settings):
    officer = page("officer")
    log = a_visit_log()
    old = timezone.now() - datetime.timedelta(seconds=settings.UNDO_WINDOW_SECONDS + 60)
    VisitLog.objects.filter(pk=log.pk).update(created_by=demo_user("officer"), created_at=old)
    officer.post(url("visit_log", log.pk, "undo"), {"op": "entry"})
    assert fresh(log).voided_at is None
    assert "can no longer be undone" in desk_html(officer)


def test_outreach_and_practical_matter_plain_posts_offer_undo(page):
    officer = page("officer")
    today = timezone.localdate()
    response = officer.post(
        "/desk/YL-001/practical-matters/", {"title": "修好楼道灯", "date": f"{today:%Y/%m/%d}", "beneficiaries": ""}
    )
    assert response.status_code == 302
    pm = PracticalMatter.objects.get(title="修好楼道灯")
    assert pm.beneficiaries == 0
    html = desk_html(officer)
    assert f"Saved: {today:%Y-%m-%d}, practical matter “修好楼道灯”" in html
    assert url("practical_matter", pm.pk, "undo") in html


# ---------------------------------------------------------------------------------------------------------
# The trail


def test_history_shows_who_when_what_why_and_before_after(page):
    officer = page("officer")
    log = a_visit_log()
    people = log.people_count
    officer.post(
        url("visit_log", log.pk, "edit"),
        {
            "people_count": people + 5,
            "date": f"{log.date:%Y-%m-%d}",
            "reception_day": log.reception_day_id or "",
            "deputies": list(log.deputies.values_list("pk", flat=True)),
            "topics": log.topics,
            "summary": log.summary,
            "visitor_name": log.masked_visitor_name,
            "visitor_phone": log.masked_visitor_phone,
            "reason": "补录漏记的人",
        },
    )
    officer.post(url("visit_log", log.pk, "void"), {"reason": "其实是重复的"})
    html = officer.get(url("visit_log", log.pk, "history")).content.decode()
    assert "补录漏记的人" in html and "其实是重复的" in html
    assert f"<del>{people}</del>" in html and f"<ins>{people + 5}</ins>" in html
    assert "Corrected" in html and "Voided" in html
    assert html.index("其实是重复的") < html.index("补录漏记的人")  # newest first
    other = a_visit_log()
    assert url("visit_log", other.pk, "history") in desk_html(page("county"))  # every row links its history


# ---------------------------------------------------------------------------------------------------------
# The entry forms: no traps


def test_entry_forms_start_empty_take_the_date_in_one_field_and_keep_the_visual_order(page):
    html = desk_html(page("officer"))
    people = re.search(r"<input[^>]*name=\"people_count\"[^>]*id=\"v-people\"[^>]*>", html).group(0)
    assert "value=" not in people and 'inputmode="numeric"' in people
    assert 'type="date"' not in html and 'type="number"' not in html
    dates = re.findall(r"<input[^>]*name=\"date\"[^>]*>", html)
    assert len(dates) == 3
    for field in dates:
        assert 'type="text"' in field and 'placeholder="YYYY-MM-DD"' in field and "pattern=" in field
        assert f'value="{timezone.localdate():%Y-%m-%d}"' in field
    assert not re.search(r'tabindex="[1-9]', html)
    ids = re.findall(r'id="(visit_[a-z_]+|v-people)"', html)
    order = [i for i in ids if not i.endswith(("_helptext", "_error")) and not re.search(r"_\d+$", i)]
    assert order == [
        "v-people",
        "visit_date",
        "visit_reception_day",
        "visit_topics",
        "visit_summary",
        "visit_visitor_name",
        "visit_visitor_phone",
    ]
    panels = "".join(re.findall(r'<section id="(?:visits|outreach|practical_matters)".*?</section>', html, re.S))
    ids = re.findall(r' id="([^"]+)"', panels)
    assert len(ids) > 20 and len(set(ids)) == len(ids)  # one id per field: each label names its own field


@pytest.mark.parametrize("typed", ["2026-1-5", "2026/01/05", "20260105", "２０２６－０１－０５"])
def test_the_date_is_parsed_as_typed(page, typed):
    officer = page("officer")
    response = officer.post("/desk/YL-001/visits/", {"date": typed, "people_count": "31"}, **HTMX)
    assert response.status_code == 200
    log = VisitLog.objects.filter(station__code="YL-001").order_by("-id").first()
    assert (log.date, log.people_count) == (datetime.date(2026, 1, 5), 31)


def test_an_invalid_entry_names_the_error_next_to_the_field_and_focuses_it(page):
    officer = page("officer")
    before = VisitLog.objects.count()
    html = officer.post("/desk/YL-001/visits/", {"date": "2026-13-40", "people_count": "3"}, **HTMX).content.decode()
    assert VisitLog.objects.count() == before
    date = re.search(r"<input[^>]*name=\"date\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in date and "autofocus" in date and 'value="2026-13-40"' in date
    assert 'aria-describedby="visit_date_error"' in date and 'id="visit_date_error"' in html
    people = re.search(r"<input[^>]*name=\"people_count\"[^>]*>", html).group(0)
    assert "autofocus" not in people and 'value="3"' in people  # what was typed stays
