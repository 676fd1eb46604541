"""PDF documents with correct Chinese text, for every export of the portal (duty records, dashboards,
evaluation sheets).

The font comes with the project's own set-up, so a fresh machine renders the same:

1. WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0 / GPL-3 with font exception), a TrueType collection shipped by
   the pinned pip package ``paperang-p2-fonts-cjk`` (see requirements.txt). It is embedded (subset) in every
   PDF, so any viewer shows it and the text extracts as Unicode.
2. If that package is missing, reportlab's built-in Adobe CID font ``STSong-Light`` (not embedded: viewers
   use their own Song face; the text still extracts as Unicode).

Usage::

    from core import pdf

    data = pdf.render(
        title="2025年度履职档案",
        subtitle="张三",
        blocks=[pdf.KeyValues([("接待日", "12")]), pdf.Table(["列1", "列2"], [["a", "b"]])],
    )
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as RLTable

EMBEDDED_FONT = "WenQuanYiMicroHei"
CID_FONT = "STSong-Light"


def _embedded_font_path() -> Path | None:
    try:
        import paperang_p2_fonts_cjk  # the pinned font package (requirements.txt)
    except ImportError:
        return None
    path = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"
    return path if path.exists() else None


@functools.cache
def cjk_font() -> str:
    """Register (once) and return the name of the font that sets Chinese text."""
    path = _embedded_font_path()
    if path is not None:
        pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, str(path), subfontIndex=0))
        return EMBEDDED_FONT
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=TA_CENTER, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12, leading=16, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", parent=base, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=colors.grey),
    }


def para(text, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped: no markup from data gets through)."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), styles()[style])


@dataclass
class Heading:
    text: str


@dataclass
class Text:
    text: str
    style: str = "body"


@dataclass
class KeyValues:
    """A two-column table of labels and values."""

    rows: list[tuple[str, object]]
    widths: tuple[float, float] = (70 * mm, 100 * mm)


@dataclass
class Table:
    header: list[str]
    rows: list[list[object]]
    widths: list[float] | None = None
    extra: list = field(default_factory=list)


def _table(data, widths, *, header: bool) -> RLTable:
    cells = [[para("" if v is None else v, "cell") for v in row] for row in data]
    table = RLTable(cells, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa4b1")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f5f8")))
    table.setStyle(TableStyle(style))
    return table


def _flowables(block) -> list:
    if isinstance(block, Heading):
        return [para(block.text, "heading")]
    if isinstance(block, Text):
        return [para(block.text, block.style)]
    if isinstance(block, KeyValues):
        return [_table([[k, v] for k, v in block.rows], list(block.widths), header=False)]
    if isinstance(block, Table):
        return [_table([block.header, *block.rows], block.widths, header=True)]
    return [block]  # a reportlab flowable


def render(*, title: str, blocks: list, subtitle: str = "", footer: str = "", author: str = "") -> bytes:
    """Build an A4 PDF: a centred title (and subtitle), then the blocks (``Heading``, ``Text``, ``KeyValues``,
    ``Table`` or any reportlab flowable), page numbers and ``footer`` at the bottom."""
    buffer = io.BytesIO()
    font = cjk_font()

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=author,
        subject=subtitle,
    )
    story = [para(title, "title")]
    if subtitle:
        story += [para(subtitle, "subtitle")]
    story.append(Spacer(1, 6 * mm))
    for block in blocks:
        story += _flowables(block)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
