"""The duty record (履职档案, ``reports.duty_records``) as PDF and Excel files."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from core import pdf
from core.excel import Workbook

from .duty_records import DutyRecord, DutyRecordDetails


def _title(record: DutyRecord) -> str:
    return _("Duty record %(year)s") % {"year": record.year}


def _header_rows(record: DutyRecord) -> list[tuple[str, str]]:
    return [
        (_("Deputy"), record.deputy.name),
        (_("Levels"), "、".join(record.levels) or "—"),
        (_("Occupation"), record.deputy.occupation or "—"),
        (_("Stations"), "、".join(s.name for s in record.stations) or "—"),
        (_("Year"), str(record.year)),
    ]


def _activity_rows(details: DutyRecordDetails) -> list[list[str]]:
    return [[a.date.isoformat(), a.station.name, a.get_kind_display(), a.title] for a in details.activities]


def _suggestion_rows(details: DutyRecordDetails, record: DutyRecord) -> list[list[str]]:
    return [
        [
            s.number,
            s.title,
            s.get_category_display(),
            _("lead") if s.lead_deputy_id == record.deputy.pk else _("co-signer"),
            s.get_status_display(),
        ]
        for s in details.suggestions
    ]


def _duty_day_rows(details: DutyRecordDetails) -> list[list[str]]:
    return [[d.date.isoformat(), d.station.name, d.get_status_display()] for d in details.duty_days]


def _report_rows(details: DutyRecordDetails) -> list[list[str]]:
    return [[r.date.isoformat(), r.station.name, str(r.audience), r.title] for r in details.duty_reports]


def _sections(record: DutyRecord, details: DutyRecordDetails):
    """(heading, header, rows) of every detail table, shared by the PDF and the workbook."""
    return [
        (_("Reception days on duty"), [_("Date"), _("Station"), _("Status")], _duty_day_rows(details)),
        (_("Activities"), [_("Date"), _("Station"), _("Kind"), _("Title")], _activity_rows(details)),
        (
            _("Suggestions"),
            [_("Number"), _("Title"), _("Category"), _("Role"), _("Status")],
            _suggestion_rows(details, record),
        ),
        (_("Duty reports"), [_("Date"), _("Station"), _("Audience"), _("Title")], _report_rows(details)),
    ]


def duty_record_pdf(record: DutyRecord, details: DutyRecordDetails) -> bytes:
    blocks: list = [pdf.KeyValues(_header_rows(record)), pdf.Heading(_("Summary")), pdf.KeyValues(record.rows())]
    for heading, header, rows in _sections(record, details):
        blocks.append(pdf.Heading(heading))
        blocks.append(pdf.Table(header, rows) if rows else pdf.Text(_("None in this year."), "small"))
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return pdf.render(
        title=_title(record),
        subtitle=record.deputy.name,
        blocks=blocks,
        footer=_("Yuelu District NPC · generated %(at)s") % {"at": generated},
        author=str(_("Deputy liaison stations")),
    )


def duty_record_xlsx(record: DutyRecord, details: DutyRecordDetails) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Summary")[:31]
    sheet.append([_title(record)])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in _header_rows(record):
        sheet.append([label, value])
    sheet.append([])
    for label, value in record.rows():
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 40
    for heading, header, rows in _sections(record, details):
        detail = workbook.create_sheet(heading[:31])
        detail.append(header)
        for cell in detail[1]:
            cell.font = Font(bold=True)
        for row in rows:
            detail.append(row)
        for column, width in zip("ABCDE", (14, 30, 20, 40, 16), strict=False):
            detail.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
