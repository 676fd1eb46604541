"""Excel and PDF exports of the dashboard and the evaluation (openpyxl write-only workbooks; PDFs through the
shared ``core.pdf`` helper, which embeds a CJK font so Chinese renders on any machine)."""

from __future__ import annotations

import io

from django.db.models import Sum
from django.http import HttpResponse
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from core.excel import Workbook
from stations.levels import Level
from suggestions.models import SuggestionCategory

from .models import ItemScore, StationEvaluation, StationMonth

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)


def _header(sheet, titles):
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = BOLD
        cells.append(cell)
    sheet.append(cells)


def _joined(parts) -> str:
    """Evidence lines in one cell, with the reader's punctuation."""
    separator = "；" if (get_language() or "").startswith("zh") else "; "
    return separator.join(p for p in parts if p)


def _response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _evaluation_rows(sheet, evaluations):
    """One row per item of every sheet, in the reader's language: grades, kinds and evidence are labels, never
    machine keys (those stay in the API)."""
    _header(
        sheet,
        [
            _("Rank"),
            _("Station code"),
            _("Station"),
            _("Total"),
            _("Grade"),
            _("Item code"),
            _("Item"),
            _("Score"),
            _("Maximum"),
            _("Kind"),
            _("Summary"),
            _("Missing"),
            _("Reason"),
        ],
    )
    scores = (
        ItemScore.objects.filter(evaluation__in=evaluations)
        .select_related("evaluation__station", "item")
        .order_by("evaluation__rank", "item__order")
    )
    for s in scores.iterator(chunk_size=2000):
        e, evidence = s.evaluation, s.evidence_text
        sheet.append(
            [
                e.rank,
                e.station.code,
                e.station.name,
                float(e.total),
                e.get_grade_display(),
                s.item.code,
                s.item.label,
                float(s.score),
                float(s.item.max_score),
                s.item.get_kind_display(),
                evidence["summary"],
                _joined(evidence["missing"]),
                s.override_reason,
            ]
        )


def dashboard_workbook(*, context: dict) -> HttpResponse:
    """Summary, per-station table and the year's evaluation with evidence."""
    filters, summary = context["filters"], context["summary"]
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(_("Summary"))
    _header(sheet, [_("Figure"), _("Value")])
    sheet.append([_("Year"), filters.year])
    sheet.append([_("Stations"), summary["stations"]])
    for level, n in summary["deputies_by_level"].items():
        sheet.append([_("Deputies: %(level)s") % {"level": Level(level).label}, n])
    for kpi in context["kpis"]:
        sheet.append([str(kpi["label"]), kpi["value"]])
    for category, n in summary["suggestions_by_category"].items():
        sheet.append([_("Suggestions: %(category)s") % {"category": SuggestionCategory(category).label}, n])
    sheet.append([_("Satisfaction rate (%)"), summary["satisfaction_rate"]])

    stations = context["stations_qs"]
    table = wb.create_sheet(_("Stations"))
    figures = list(StationMonth.FIGURES)
    _header(
        table,
        [
            _("Station code"),
            _("Station"),
            _("Street/township"),
            *[capfirst(StationMonth._meta.get_field(f).verbose_name) for f in figures],
        ],
    )
    rows = (
        StationMonth.objects.filter(
            station__in=stations,
            month__year=filters.year,
            month__month__gte=filters.month_from,
            month__month__lte=filters.month_to,
        )
        .values("station__code", "station__name", "station__street__name")
        .annotate(**{f: Sum(f) for f in figures})
        .order_by("station__code")
    )
    for row in rows:
        table.append(
            [row["station__code"], row["station__name"], row["station__street__name"], *[row[f] or 0 for f in figures]]
        )
    evaluations = StationEvaluation.objects.filter(scheme__year=filters.year, station__in=stations)
    _evaluation_rows(wb.create_sheet(_("Evaluation")), evaluations)
    return _response(wb, f"dashboard-{filters.year}.xlsx")


def evaluation_workbook(*, evaluations, year: int) -> HttpResponse:
    wb = Workbook(write_only=True)
    _evaluation_rows(wb.create_sheet(_("Evaluation")), evaluations)
    return _response(wb, f"evaluation-{year}.xlsx")


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def evaluation_pdf(*, sheet: StationEvaluation) -> HttpResponse:
    """One station's sheet: totals, and every item with its score and evidence."""
    from core import pdf

    scores = sheet.scores.select_related("item__category").order_by("item__order")
    rows = []
    for s in scores:
        evidence = s.evidence_text
        parts = [evidence["summary"], *evidence["missing"], s.override_reason]
        rows.append([s.item.code, s.item.label, f"{s.score} / {s.item.max_score}", _joined(parts)])
    data = pdf.render(
        title=_("Evaluation of the deputy liaison stations %(year)s") % {"year": sheet.scheme.year},
        subtitle=sheet.station.name,
        blocks=[
            pdf.KeyValues(
                [
                    (_("Station code"), sheet.station.code),
                    (_("Total"), f"{sheet.total} / 100"),
                    (_("Grade"), sheet.get_grade_display()),
                    (_("Rank"), sheet.rank),
                    (_("People-satisfied station"), _("yes") if sheet.awarded else _("no")),
                ]
            ),
            pdf.Heading(_("Items and evidence")),
            pdf.Table([_("Item code"), _("Item"), _("Score"), _("Evidence")], rows, widths=[34, 120, 50, 280]),
        ],
        footer=sheet.scheme.title,
    )
    return _pdf_response(data, f"evaluation-{sheet.scheme.year}-{sheet.station.code}.pdf")


def annual_report_pdf(*, context: dict) -> HttpResponse:
    """The county's annual report: the headline figures, by street, and the evaluation ranking."""
    from core import pdf

    filters, summary = context["filters"], context["summary"]
    levels = summary["deputies_by_level"]
    suggestions = summary["suggestions_by_category"]
    figures = [
        (_("Stations"), summary["stations"]),
        (
            _("Resident deputies (provincial / city / county / township)"),
            f"{levels['provincial']} / {levels['city']} / {levels['county']} / {levels['township']}",
        ),
        *[(str(k["label"]), k["value"]) for k in context["kpis"]],
        (
            _("Suggestions (development / livelihood / rural)"),
            f"{suggestions['development']} / {suggestions['livelihood']} / {suggestions['rural']}",
        ),
        (_("Satisfaction rate"), f"{summary['satisfaction_rate']}%"),
    ]
    breakdown = [
        [
            r["name"],
            r["people_received"],
            r["people_visited"],
            r["opinions_received"],
            r["opinions_resolved"],
            r["activities"],
            r["practical_matters"],
        ]
        for r in context["breakdown"]
    ]
    ranking = [
        [e.rank, e.station.name, e.total, e.get_grade_display(), "★" if e.awarded else ""] for e in context["ranking"]
    ]
    data = pdf.render(
        title=_("Work report of the deputy liaison stations %(year)s") % {"year": filters.year},
        subtitle=_("Deputy liaison stations: annual figures"),
        blocks=[
            pdf.KeyValues(figures, widths=(300, 170)),
            pdf.Heading(_("By area")),
            pdf.Table(
                [
                    _("Station") if context["by_station"] else _("Street/township"),
                    _("Received"),
                    _("Visited"),
                    _("Opinions"),
                    _("Resolved"),
                    _("Activities"),
                    _("Practical matters"),
                ],
                breakdown,
            ),
            pdf.Heading(_("Evaluation ranking")),
            pdf.Table([_("Rank"), _("Station"), _("Total"), _("Grade"), _("Award")], ranking),
        ],
        footer=f"{filters.year}",
    )
    return _pdf_response(data, f"annual-report-{filters.year}.pdf")
