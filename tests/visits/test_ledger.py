"""The Excel ledger: streamed export (masked by default), the template, all-or-nothing import with a
preview naming row and column, and the round trip export → import into an empty station."""

import io

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from stations.models import Area, Membership
from tests.stations.factories import StationFactory
from visits import ledger
from visits.models import Opinion, Outreach, PracticalMatter, UnmaskLog, VisitLog

pytestmark = pytest.mark.django_db
PHONE_RE = r"(?<!\d)1[3-9]\d{9}(?!\d)"


@pytest.fixture
def browser(demo_user):
    def make(username):
        client = Client()
        client.force_login(demo_user(username))
        return client

    return make


def workbook_of(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def export(client, code, query="start=2025-01&end=2025-12"):
    response = client.get(f"/desk/{code}/ledger/export.xlsx?{query}")
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response


def test_export_is_masked_by_default(browser):
    import re

    wb = workbook_of(export(browser("officer"), "YL-001"))
    assert wb.sheetnames == ["接待记录", "走访选民", "群众意见", "为群众办实事", "说明"]
    visits = list(wb["接待记录"].iter_rows(values_only=True))
    assert list(visits[0]) == ledger.VISITS.headers
    assert len(visits) - 1 == VisitLog.objects.filter(station__code="YL-001", date__year=2025).count()
    text = " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)
    assert not re.search(PHONE_RE, text) and "****" in text
    # Officers cannot ask for unmasked data: the flag is ignored and nothing is logged.
    wb = workbook_of(export(browser("officer"), "YL-001", "start=2025-01&end=2025-12&unmasked=on"))
    text = " ".join(str(v) for row in wb["群众意见"].iter_rows(values_only=True) for v in row if v)
    assert not re.search(PHONE_RE, text) and not UnmaskLog.objects.exists()


def test_unmasked_export_by_county_logs_each_record(browser):
    wb = workbook_of(export(browser("county"), "YL-002", "start=2025-03&end=2025-03&unmasked=on"))
    with_phone = VisitLog.objects.filter(station__code="YL-002", date__year=2025, date__month=3).exclude(
        visitor_phone=""
    )
    phones = {row[4] for row in wb["接待记录"].iter_rows(min_row=2, values_only=True)}
    assert set(with_phone.values_list("visitor_phone", flat=True)) <= phones
    assert UnmaskLog.objects.filter(record_type="visits.visitlog").count() == with_phone.count()


def test_export_outside_the_scope_or_with_a_bad_range(browser):
    assert browser("officer").get("/desk/YL-002/ledger/export.xlsx?start=2025-01&end=2025-02").status_code == 404
    assert browser("officer").get("/desk/YL-001/ledger/export.xlsx?start=2025-13&end=2025-02").status_code == 400


def _snapshot(station):
    visits = sorted(
        (
            v.date,
            v.people_count,
            v.visitor_name,
            v.visitor_phone,
            v.topics,
            v.summary,
            tuple(sorted(v.deputies.values_list("ref", flat=True))),
        )
        for v in VisitLog.objects.filter(station=station, date__year=2025)
    )
    outreach = sorted(
        (o.date, o.deputy.ref, o.place, o.people_count, o.summary)
        for o in Outreach.objects.filter(station=station, date__year=2025).select_related("deputy")
    )
    opinions = sorted(
        (
            o.received_at.replace(second=0, microsecond=0),
            o.channel,
            o.category,
            o.content,
            o.citizen_name,
            o.citizen_phone,
            o.status,
            o.unit_id,
            o.answer,
            o.rating,
            o.resolved,
            *(
                t.replace(second=0, microsecond=0) if t else None
                for t in (o.registered_at, o.assigned_at, o.answered_at, o.closed_at)
            ),
            o.register_due,
            o.assign_due,
            o.answer_due,
        )
        for o in Opinion.objects.filter(station=station, received_at__year=2025)
    )
    pms = sorted(
        (p.date, p.title, p.beneficiaries, p.summary, p.source_opinion.content if p.source_opinion else None)
        for p in PracticalMatter.objects.filter(station=station, date__year=2025).select_related("source_opinion")
    )
    return visits, outreach, opinions, pms


def test_round_trip_export_then_import_into_an_empty_station(browser, demo_user):
    from stations.models import Station

    source = Station.objects.get(code="YL-003")
    county = browser("county")
    data = b"".join(export(county, "YL-003", "start=2025-01&end=2025-12&unmasked=on").streaming_content)
    target = StationFactory(code="YL-900", area=Area.objects.get(code="430104002"))
    for deputy_id in Membership.objects.filter(station=source).values_list("deputy_id", flat=True):
        Membership.objects.create(deputy_id=deputy_id, station=target, since=source.memberships.first().since)
    preview = county.post("/desk/YL-900/ledger/import/", {"file": io.BytesIO(data)})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    token = preview.context["token"]
    assert preview.context["parsed"].ok
    saved = county.post("/desk/YL-900/ledger/import/", {"token": token})
    assert saved.status_code == 302
    assert _snapshot(target) == _snapshot(source)
    assert all(len(s) for s in _snapshot(target))


def _template_with(rows_by_sheet):
    wb = load_workbook(ledger.template_workbook())
    for title, rows in rows_by_sheet.items():
        for row in rows:
            wb[title].append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_template_download(browser):
    response = browser("officer").get("/desk/YL-001/ledger/template.xlsx")
    wb = workbook_of(response)
    assert [wb[s.title].max_row for s in ledger.SHEETS] == [1, 1, 1, 1]


def test_a_bad_date_on_row_57_is_named_and_nothing_is_saved(browser):
    rows = [[f"2025-05-{1 + i % 28:02d}", 2, "", "", "", "交通", "记录"] for i in range(56)]
    rows[55][0] = "2025-13-45"  # row 57 of the sheet (after the header)
    rows[9][1] = 0  # row 11: people count 0
    rows[20][4] = "138****5678"  # row 22: a masked phone cannot be imported
    upload = _template_with({"接待记录": rows, "为群众办实事": [["2025-06-01", "修路", "很多", "", ""]]})
    before = (VisitLog.objects.count(), PracticalMatter.objects.count())
    response = browser("officer").post("/desk/YL-001/ledger/import/", {"file": upload})
    assert response.status_code == 400
    errors = {(e.sheet, e.row, e.column) for e in response.context["parsed"].errors}
    assert errors == {("接待记录", 57, "A"), ("接待记录", 11, "B"), ("接待记录", 22, "E"), ("为群众办实事", 2, "C")}
    html = response.content.decode()
    assert "57" in html and "日期 date" in html
    assert (VisitLog.objects.count(), PracticalMatter.objects.count()) == before


def test_a_wrong_column_and_a_malformed_file(browser):
    wb = Workbook()
    wb.active.title = "接待记录"
    wb.active.append(["日期 date", "people", "x"])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    response = browser("officer").post("/desk/YL-001/ledger/import/", {"file": out})
    assert response.status_code == 400
    errors = response.context["parsed"].errors
    assert ("接待记录", 1, "B") in {(e.sheet, e.row, e.column) for e in errors}
    assert {e.sheet for e in errors if e.row is None} == {"走访选民", "群众意见", "为群众办实事"}
    junk = browser("officer").post("/desk/YL-001/ledger/import/", {"file": io.BytesIO(b"not a workbook")})
    assert junk.status_code == 400 and "xlsx" in junk.content.decode()


def test_a_row_refused_while_saving_rolls_back_everything(demo_user):
    """Validation passes but a service refuses a row (e.g. a deputy not resident): nothing is kept."""
    from stations.models import Station

    station = Station.objects.get(code="YL-001")
    stranger = Outreach.objects.exclude(station=station).select_related("deputy").first().deputy
    upload = _template_with(
        {
            "接待记录": [["2025-05-01", 2, "", "", "", "交通", "记录"]],
            "走访选民": [["2025-05-02", f"{stranger.name}({stranger.ref})", "社区", 3, ""]],
        }
    )
    parsed = ledger.parse_ledger(data=upload.getvalue(), station=station)
    assert parsed.ok
    before = VisitLog.objects.count()
    with pytest.raises(Exception, match="row 2"):
        ledger.save_ledger(by=demo_user("officer"), station=station, parsed=parsed)
    assert VisitLog.objects.count() == before
