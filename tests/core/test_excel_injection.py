"""No formula survives into an exported workbook: hostile text typed into records, station names and outreach
comes out as text in every Excel export, and the ledger re-imports it as typed."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core.excel import Workbook, cell_value, imported_text
from stations.models import Station
from visits import services
from visits.models import VisitLog

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "-2+3"]


def _cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _assert_no_formula(content: bytes, label: str) -> int:
    seen = 0
    for cell in _cells(content):
        assert cell.data_type != "f", f"{label}: a formula in {cell.coordinate}: {cell.value!r}"
        if isinstance(cell.value, str) and cell.value.lstrip("'") in HOSTILE:
            assert cell.value.startswith("'"), f"{label}: {cell.coordinate} {cell.value!r} is live"
            seen += 1
    return seen


def test_cell_values_are_neutralised_and_come_back_as_typed():
    for text in HOSTILE:
        assert cell_value(text) == "'" + text and imported_text(cell_value(text)) == text
    assert cell_value(-5) == -5 and cell_value("路灯") == "路灯" and imported_text("'普通") == "'普通"
    book = Workbook(write_only=True)
    book.create_sheet("x").append(HOSTILE)
    out = io.BytesIO()
    book.save(out)
    assert _assert_no_formula(out.getvalue(), "workbook") == len(HOSTILE)


def test_every_export_writes_hostile_text_as_text(client, demo_user):
    station = Station.objects.get(code="YL-001")
    Station.objects.filter(pk=station.pk).update(name=HOSTILE[0])
    officer = demo_user("officer")
    services.visit_log_create(
        by=officer, station=station, date=timezone.localdate(), people_count=2, topics=HOSTILE[1], summary=HOSTILE[2]
    )
    deputy = station.memberships.first().deputy
    services.outreach_create(by=officer, deputy=deputy, station=station, date=timezone.localdate(), place=HOSTILE[3],
                             people_count=3, summary=HOSTILE[4])  # fmt: skip
    year = timezone.localdate().year
    client.force_login(demo_user("county"))
    exports = {
        "ledger": f"/desk/YL-001/ledger/export.xlsx?start={year}-01&end={year}-12",
        "dashboard": f"/dashboard/export.xlsx?year={year}",
        "evaluation": "/dashboard/evaluation/export.xlsx?year=2025",
        "deputy record": f"/desk/deputies/{deputy.pk}/record.xlsx?year={year}",
    }
    found = {}
    for label, url in exports.items():
        response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        found[label] = _assert_no_formula(content, label)
    assert found["ledger"] >= 4 and found["dashboard"] >= 1 and found["evaluation"] >= 1, found
    assert found["deputy record"] >= 1, found


def test_the_ledger_reimports_hostile_text_unchanged(client, demo_user):
    station = Station.objects.get(code="YL-001")
    officer = demo_user("officer")
    log = services.visit_log_create(
        by=officer, station=station, date=timezone.localdate(), people_count=2, topics=HOSTILE[1]
    )
    client.force_login(officer)
    year = timezone.localdate().year
    response = client.get(f"/desk/YL-001/ledger/export.xlsx?start={year}-01&end={year}-12")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    from visits.ledger import import_ledger

    result = import_ledger(by=officer, station=station, data=content, dry_run=False)
    assert result.created == 0 and result.updated == 0, result
    assert VisitLog.objects.get(pk=log.pk).topics == HOSTILE[1]
