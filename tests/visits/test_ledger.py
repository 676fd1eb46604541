"""The Excel ledger: streamed export (masked by default), the template, all-or-nothing import with a
preview naming row and column, and the round trip export → import into an empty station. (Re-importing into
the same station, ids and corrections: ``test_ledger_roundtrip.py``.)"""

import io

import pytest
from django.test import Client
from django.utils import translation
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


def chinese(value):
    """What the Chinese desk shows for a sheet's title or headers (whatever the state of the translations)."""
    with translation.override("zh-hans"):
        return value() if callable(value) else value


def export(client, code, query="start=2025-01&end=2025-12"):
    response = client.get(f"/desk/{code}/ledger/export.xlsx?{query}")
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response


def test_export_is_masked_by_default(browser):
    import re

    wb = workbook_of(export(browser("officer"), "YL-001"))
    assert wb.sheetnames == chinese(lambda: [s.title for s in ledger.SHEETS] + [str(ledger.INSTRUCTIONS)])
    visits = list(wb.worksheets[0].iter_rows(values_only=True))
    assert list(visits[0]) == chinese(lambda: ledger.VISITS.headers)
    assert len(visits) - 1 == VisitLog.objects.filter(station__code="YL-001", date__year=2025).count()
    text = " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)
    assert not re.search(PHONE_RE, text) and "****" in text
    # Officers cannot ask for unmasked data: the flag is ignored and nothing is logged.
    wb = workbook_of(export(browser("officer"), "YL-001", "start=2025-01&end=2025-12&unmasked=on"))
    text = " ".join(str(v) for row in wb.worksheets[2].iter_rows(values_only=True) for v in row if v)
    assert not re.search(PHONE_RE, text) and not UnmaskLog.objects.exists()


def test_unmasked_export_by_county_logs_each_record(browser):
    wb = workbook_of(export(browser("county"), "YL-002", "start=2025-03&end=2025-03&unmasked=on"))
    with_phone = VisitLog.objects.filter(station__code="YL-002", date__year=2025, date__month=3).exclude(
        visitor_phone=""
    )
    phones = {row[5] for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True)}
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
    data = _as_new(b"".join(export(county, "YL-003", "start=2025-01&end=2025-12&unmasked=on").streaming_content))
    target = StationFactory(code="YL-900", area=Area.objects.get(code="430104002"))
    for deputy_id in Membership.objects.filter(station=source).values_list("deputy_id", flat=True):
        Membership.objects.create(deputy_id=deputy_id, station=target, since=source.memberships.first().since)
    preview = county.post("/desk/YL-900/ledger/import/", {"file": io.BytesIO(data)})
    assert preview.status_code == 200, [e.message for e in preview.context["result"].errors]
    token = preview.context["token"]
    assert preview.context["result"].ok and preview.context["result"].updated == 0
    saved = county.post("/desk/YL-900/ledger/import/", {"token": token})
    assert saved.status_code == 200 and saved.context["result"].saved
    assert _snapshot(target) == _snapshot(source)
    assert all(len(s) for s in _snapshot(target))


def _as_new(data: bytes) -> bytes:
    """Another station's ledger as new rows: no ids, the opinions' codes only labels within the file."""
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets[:4]:
        for (cell,) in ws.iter_rows(min_row=2, max_col=1):
            cell.value = None
    for ws, column in ((wb.worksheets[2], 2), (wb.worksheets[3], 5)):
        for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
            if cell.value:
                cell.value = f"N-{cell.value}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _template_with(rows_by_sheet):
    """The template with rows (without their id column) on the sheets given by key."""
    wb = load_workbook(ledger.template_workbook())
    for key, rows in rows_by_sheet.items():
        ws = wb.worksheets[[s.key for s in ledger.SHEETS].index(key)]
        for row in rows:
            ws.append(["", *row])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_template_download(browser):
    response = browser("officer").get("/desk/YL-001/ledger/template.xlsx")
    wb = workbook_of(response)
    assert [ws.max_row for ws in wb.worksheets[:4]] == [1, 1, 1, 1]
    assert [c.value for c in wb.worksheets[0][1]] == chinese(lambda: ledger.VISITS.headers)


def test_a_bad_date_on_row_57_is_named_and_nothing_is_saved(browser):
    rows = [[f"2025-05-{1 + i % 28:02d}", 2, "", "", "", "交通", "记录"] for i in range(56)]
    rows[55][0] = "2025-13-45"  # row 57 of the sheet (after the header)
    rows[9][1] = 0  # row 11: people count 0
    rows[9][3] = "张*"  # and a masked name: every error of the row is listed
    rows[20][4] = "138****5678"  # row 22: a masked phone cannot be entered for a new record
    upload = _template_with({"visits": rows, "practical_matters": [["2025-06-01", "修路", "很多", "", ""]]})
    before = (VisitLog.objects.count(), PracticalMatter.objects.count())
    response = browser("officer").post("/desk/YL-001/ledger/import/", {"file": upload})
    assert response.status_code == 400
    errors = {(e.sheet, e.row, e.letter) for e in response.context["result"].errors}
    assert errors == {
        ("visits", 57, "B"),
        ("visits", 11, "C"),
        ("visits", 11, "E"),
        ("visits", 22, "F"),
        ("practical_matters", 2, "D"),
    }
    html = response.content.decode()
    assert "57" in html and chinese(lambda: ledger.VISITS.column("date").header) in html
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
    errors = response.context["result"].errors
    assert ("visits", 1, "C") in {(e.sheet, e.row, e.letter) for e in errors}  # "x" is no column
    missing = {e.header or e.message for e in errors if e.sheet == "visits" and e.row == 1 and not e.letter}
    assert len(missing) == 5  # deputies, visitor, phone, topics, summary ("people" is the old header's half)
    assert {e.sheet for e in errors if e.row is None} == {"outreach", "opinions", "practical_matters"}
    junk = browser("officer").post("/desk/YL-001/ledger/import/", {"file": io.BytesIO(b"not a workbook")})
    assert junk.status_code == 400 and "xlsx" in junk.content.decode()


def test_a_row_refused_by_a_service_is_listed_and_nothing_is_kept(demo_user):
    """The cells are fine but a service refuses a row (a deputy not resident at the station): the preview
    lists it already (the saves run and are rolled back), and saving keeps nothing."""
    from stations.models import Station

    station = Station.objects.get(code="YL-001")
    stranger = Outreach.objects.exclude(station=station).select_related("deputy").first().deputy
    upload = _template_with(
        {
            "visits": [["2025-05-01", 2, "", "", "", "交通", "记录"]],
            "outreach": [["2025-05-02", f"{stranger.name}({stranger.ref})", "社区", 3, ""]],
        }
    )
    before = VisitLog.objects.count()
    for dry_run in (True, False):
        result = ledger.import_ledger(by=demo_user("officer"), station=station, data=upload.getvalue(), dry_run=dry_run)
        assert not result.saved and [(e.sheet, e.row) for e in result.errors] == [("outreach", 2)]
        assert "not resident" in result.errors[0].message
        assert result.sheets["visits"].created == 1  # what would have been saved
    assert VisitLog.objects.count() == before
