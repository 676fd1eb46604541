"""The station's Excel ledger (工作台账): export, a template to fill in, and an import that round-trips.

Export streams rows from the database into a write-only openpyxl workbook (constant memory whatever the
range), personal data masked unless the user may unmask and asks for it (then every exported record with
personal data is logged). Every row starts with the record's stable ``id``; headers, sheet titles and choice
values are in the reader's language.

Import reads a workbook in the same layout, whatever language its headers are in (Chinese, English, or the
bilingual headers of the first ledgers: columns are matched by their normalised header text, in any order). A
row with the ``id`` of a live record of this station is compared with it: unchanged, or corrected through
``services.record_update`` (same rules and audit trail as the desk); a masked name or phone (张*, 138****5678)
means "as it is". A row without an ``id`` is new and goes through the create services — unless it has exactly
the values of a live record of the station that no other row names: then it is that record, saved by an
earlier import of the same rows, and stays unchanged. A saved opinion's
workflow (status, times, unit, answer) is never changed by an import. Every row of every sheet is checked —
the cells first, then the services themselves inside a transaction that is rolled back — and every error is
reported with its sheet, row and column; only a workbook without any error is saved, all of it in one
transaction. Importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import datetime
import io
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.access import require
from core.errors import DomainError
from core.excel import Workbook, imported_text
from core.privacy import can_unmask, is_valid_phone, mask_name, mask_phone, normalise_phone
from core.workdays import WorkingDayCalendar
from deputies.models import Deputy

from . import services
from .codes import normalise_tracking_code
from .models import CONTENT_MAX, Opinion, OpinionStatus, Outreach, PracticalMatter, ResponsibleUnit, VisitLog

DATETIME_FORMAT = "%Y-%m-%d %H:%M"
MAX_ROWS = 20000  # per sheet: a station's ledger for many years fits easily
MAX_FILE_BYTES = 10 * 1024 * 1024
YES, NO = ("是", "yes", "y", "true", "1"), ("否", "no", "n", "false", "0", "")
IMPORT_REASON = gettext_lazy("Changed by a ledger import")


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise  # the header, in the reader's language
    legacy: str  # the bilingual header of the first ledgers ("日期 date"), still read
    width: int = 14
    field: str = ""  # the record's field when it is not ``key``
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return str(self.label)

    @property
    def field_name(self) -> str:
        return self.field or self.key


@dataclass(frozen=True)
class Sheet:
    key: str
    label: Promise  # the sheet's title, in the reader's language
    legacy: str  # the title of the first ledgers
    columns: tuple[Column, ...]
    model: type

    @property
    def title(self) -> str:
        return str(self.label)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


def _id_column() -> Column:
    return Column("id", gettext_lazy("Record id"), "", 9, aliases=("编号", "记录编号", "id", "record id"))


VISITS = Sheet(
    "visits",
    gettext_lazy("Visit logs"),
    "接待记录",
    (
        _id_column(),
        Column("date", gettext_lazy("Date"), "日期 date", 12),
        Column("people_count", gettext_lazy("People"), "人数 people", 8),
        Column("deputies", gettext_lazy("Deputies who received"), "接待代表 deputies", 30),
        Column("visitor_name", gettext_lazy("Visitor"), "来访人 visitor", 10),
        Column("visitor_phone", gettext_lazy("Contact phone"), "联系电话 phone", 14),
        Column("topics", gettext_lazy("Topics"), "反映事项 topics", 20),
        Column("summary", gettext_lazy("Brief summary"), "情况摘要 summary", 50),
    ),
    VisitLog,
)
OUTREACH = Sheet(
    "outreach",
    gettext_lazy("Outreach visits"),
    "走访选民",
    (
        _id_column(),
        Column("date", gettext_lazy("Date"), "日期 date", 12),
        Column("deputy", gettext_lazy("Deputy"), "代表 deputy", 22),
        Column("place", gettext_lazy("Place"), "地点 place", 24),
        Column("people_count", gettext_lazy("People visited"), "走访人数 people", 8),
        Column("summary", gettext_lazy("Brief summary"), "情况摘要 summary", 50),
    ),
    Outreach,
)
OPINIONS = Sheet(
    "opinions",
    gettext_lazy("Opinions"),
    "群众意见",
    (
        _id_column(),
        Column("tracking_code", gettext_lazy("Tracking code"), "查询码 tracking code", 16),
        Column("received_at", gettext_lazy("Received at"), "收到时间 received", 17),
        Column("channel", gettext_lazy("Channel"), "渠道 channel", 12),
        Column("category", gettext_lazy("Category"), "类别 category", 12),
        Column("content", gettext_lazy("Content"), "内容 content", 50),
        Column("citizen_name", gettext_lazy("Citizen's name"), "群众姓名 citizen", 10),
        Column("citizen_phone", gettext_lazy("Contact phone"), "联系电话 phone", 14),
        Column("status", gettext_lazy("Status"), "状态 status", 12),
        Column("unit", gettext_lazy("Responsible unit"), "承办单位 unit", 24),
        Column("registered_at", gettext_lazy("Registered at"), "登记时间 registered", 17),
        Column("assigned_at", gettext_lazy("Assigned at"), "交办时间 assigned", 17),
        Column("answered_at", gettext_lazy("Answered at"), "答复时间 answered", 17),
        Column("closed_at", gettext_lazy("Closed at"), "办结时间 closed", 17),
        Column("register_due", gettext_lazy("Register by"), "登记期限 register by", 12),
        Column("assign_due", gettext_lazy("Assign by"), "交办期限 assign by", 12),
        Column("answer_due", gettext_lazy("Answer by"), "答复期限 answer by", 12),
        Column("answer", gettext_lazy("Answer"), "答复 answer", 40),
        Column("rating", gettext_lazy("Rating"), "评价 rating", 12),
        Column("resolved", gettext_lazy("Resolved"), "已解决 resolved", 8),
    ),
    Opinion,
)
PRACTICAL = Sheet(
    "practical_matters",
    gettext_lazy("Practical matters"),
    "为群众办实事",
    (
        _id_column(),
        Column("date", gettext_lazy("Date"), "日期 date", 12),
        Column("title", gettext_lazy("Matter"), "事项 title", 36),
        Column("beneficiaries", gettext_lazy("Beneficiaries"), "受益人数 beneficiaries", 10),
        Column(
            "source",
            gettext_lazy("Source opinion (tracking code)"),
            "来源意见查询码 source opinion",
            16,
            field="source_opinion",
        ),
        Column("summary", gettext_lazy("Brief summary"), "情况摘要 summary", 50),
    ),
    PracticalMatter,
)
SHEETS = (VISITS, OUTREACH, OPINIONS, PRACTICAL)
INSTRUCTIONS = gettext_lazy("Instructions")
OPTIONAL_COLUMNS = {"id", "tracking_code"}  # a template typed by hand or an old ledger may lack them
PERSONAL = {"visitor_name", "visitor_phone", "citizen_name", "citizen_phone"}
# What an import never changes on a saved opinion: its workflow, and who gave it.
OPINION_FIXED = (
    "received_at",
    "status",
    "unit",
    "registered_at",
    "assigned_at",
    "answered_at",
    "closed_at",
    "register_due",
    "assign_due",
    "answer_due",
    "answer",
    "rating",
    "resolved",
    "citizen_name",
    "citizen_phone",
)


def _month_end(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime(DATETIME_FORMAT) if moment else ""


def _deputy_label(deputy: Deputy) -> str:
    return f"{deputy.name}({deputy.ref})"


def _norm(text) -> str:
    """Header and value text as compared: full-width folded, case-folded, without spaces and markers."""
    text = unicodedata.normalize("NFKC", "" if text is None else str(text)).casefold()
    return re.sub(r"[\s*:_\-]+", "", text)


def _in_every_language(label) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label))
    return names


def _yes_no_label(value: bool) -> str:
    return _("yes") if value else _("no")


# ---------------------------------------------------------------------------------------------------------
# Export


def _rows(sheet: Sheet, records: Iterable, masked: bool) -> Iterable[list]:
    name, phone = (mask_name, mask_phone) if masked else (str, str)
    channels, statuses, ratings = (dict(c.choices) for c in (Opinion.Channel, OpinionStatus, Opinion.Rating))
    for r in records:
        if sheet is VISITS:
            yield [
                r.pk,
                r.date,
                r.people_count,
                "、".join(_deputy_label(d) for d in r.deputies.all()),
                name(r.visitor_name),
                phone(r.visitor_phone),
                r.topics,
                r.summary,
            ]
        elif sheet is OUTREACH:
            yield [r.pk, r.date, _deputy_label(r.deputy), r.place, r.people_count, r.summary]
        elif sheet is OPINIONS:
            yield [
                r.pk,
                r.tracking_code,
                _local(r.received_at),
                str(channels.get(r.channel, r.channel)),
                r.category,
                r.content,
                name(r.citizen_name),
                phone(r.citizen_phone),
                str(statuses.get(r.status, r.status)),
                r.unit.name if r.unit_id else "",
                _local(r.registered_at),
                _local(r.assigned_at),
                _local(r.answered_at),
                _local(r.closed_at),
                r.register_due,
                r.assign_due,
                r.answer_due,
                r.answer,
                str(ratings.get(r.rating, r.rating)) if r.rating else "",
                _yes_no_label(r.resolved),
            ]
        else:
            yield [
                r.pk,
                r.date,
                r.title,
                r.beneficiaries,
                r.source_opinion.tracking_code if r.source_opinion_id else "",
                r.summary,
            ]


def _sheet(workbook: Workbook, sheet: Sheet):
    ws = workbook.create_sheet(sheet.title)
    for i, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "B2"
    bold = Font(bold=True)
    cells = []
    for header in sheet.headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        cells.append(cell)
    ws.append(cells)
    return ws


def _instructions(workbook: Workbook) -> None:
    ws = workbook.create_sheet(str(INSTRUCTIONS))
    ws.column_dimensions["A"].width = 110

    def values(choices) -> str:
        return " / ".join(str(label) for _code, label in choices)

    lines = [
        _("How to fill in the ledger"),
        _("Keep the header row of each sheet; from the second row on, one record per row."),
        _(
            "The first column, “%(id)s”, names a record already saved: keep it to correct that record, leave it "
            "empty for a new record, never copy it to another row. An import never deletes a record; void it on "
            "the desk."
        )
        % {"id": VISITS.columns[0].header},
        _("Dates are written YYYY-MM-DD, times YYYY-MM-DD HH:MM."),
        _("Empty deadlines are computed from the working-day calendar."),
        _("Deputies are written name(reference), several separated by 、."),
        _("A masked name or phone (张*, 138****5678) keeps what is saved."),
        f"{OPINIONS.column('channel').header}: {values(Opinion.Channel.choices)}",
        f"{OPINIONS.column('status').header}: {values(OpinionStatus.choices)}",
        f"{OPINIONS.column('rating').header}: {values(Opinion.Rating.choices)}; "
        f"{OPINIONS.column('resolved').header}: {_yes_no_label(True)} / {_yes_no_label(False)}",
        _("Responsible unit: the full name of a responsible unit."),
        _(
            "A saved opinion's status, times, unit and answer change through its workflow, not by an import; its "
            "content, channel and category can be corrected until it is assigned."
        ),
        _(
            "A new opinion gets a new tracking code; a practical matter may name the tracking code of an opinion "
            "in this file or of this station."
        ),
        _(
            "A row without an id that has exactly the values of a saved record no other row names is taken for "
            "that record: importing the same rows twice saves them once."
        ),
        _("Every row is checked first; nothing is saved if any row is wrong."),
    ]
    for line in lines:
        ws.append([line])


def ledger_querysets(*, user, station, start: datetime.date, end: datetime.date) -> dict[str, Iterable]:
    """The live records of ``station`` between the first day of ``start``'s month and the last of ``end``'s."""
    first, last = start.replace(day=1), _month_end(end)
    tz = timezone.get_current_timezone()
    first_at = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    last_at = datetime.datetime.combine(last, datetime.time.max, tzinfo=tz)
    return {
        "visits": VisitLog.objects.for_user(user)
        .filter(station=station, date__range=(first, last))
        .prefetch_related(Prefetch("deputies", queryset=Deputy.objects.only("id", "name", "ref")))
        .order_by("date", "id"),
        "outreach": Outreach.objects.for_user(user)
        .filter(station=station, date__range=(first, last))
        .select_related("deputy")
        .order_by("date", "id"),
        "opinions": Opinion.objects.for_user(user)
        .filter(station=station, received_at__range=(first_at, last_at))
        .select_related("unit")
        .order_by("received_at", "id"),
        "practical_matters": PracticalMatter.objects.for_user(user)
        .filter(station=station, date__range=(first, last))
        .select_related("source_opinion")
        .order_by("date", "id"),
    }


def export_ledger(*, user, station, start: datetime.date, end: datetime.date, unmasked: bool = False):
    """Write the ledger into a temporary file and return it (rewound). Masked unless ``unmasked`` and the
    user may unmask; an unmasked export logs one unmasking per record with personal data."""
    require(user, "ledger.export", station)
    unmasked = unmasked and can_unmask(user)
    querysets = ledger_querysets(user=user, station=station, start=start, end=end)
    workbook = Workbook(write_only=True)
    for sheet in SHEETS:
        ws = _sheet(workbook, sheet)
        for row in _rows(sheet, querysets[sheet.key].iterator(chunk_size=1000), masked=not unmasked):
            ws.append(row)
    _instructions(workbook)
    if unmasked:
        for key, personal in (
            ("visits", ("visitor_name", "visitor_phone")),
            ("opinions", ("citizen_name", "citizen_phone")),
        ):
            qs = querysets[key].exclude(**{personal[0]: "", personal[1]: ""}).select_related(None)
            qs = qs.prefetch_related(None).only("id", "station_id")
            services.log_bulk_unmask(user=user, records=qs, purpose=_("ledger export"))
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned to the response
    workbook.save(out)
    out.seek(0)
    return out


def template_workbook():
    """An empty ledger with the header rows and the instructions, to fill in and import."""
    workbook = Workbook(write_only=True)
    for sheet in SHEETS:
        _sheet(workbook, sheet)
    _instructions(workbook)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


# ---------------------------------------------------------------------------------------------------------
# Import: the result


@dataclass
class LedgerError:
    sheet: str  # the sheet's key ("visits"), empty for the whole file
    sheet_title: str
    row: int | None
    column: str | None  # the column's key ("people_count")
    letter: str | None  # the column's letter in the file ("C")
    header: str
    message: str

    @property
    def cell(self) -> str:
        return f"{self.letter or ''}{self.row or ''}"

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "cell": self.cell,
            "header": self.header,
            "sheet_title": self.sheet_title,
        }


@dataclass
class Change:
    column: str  # the header
    before: str
    after: str


@dataclass
class ChangedRow:
    row: int
    record_id: int
    changes: list[Change]


@dataclass
class SheetResult:
    sheet: Sheet
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LedgerError] = field(default_factory=list)
    changed: list[ChangedRow] = field(default_factory=list)
    matched: list[tuple[int, int]] = field(default_factory=list)  # (row, record id): saved before, without an id

    @property
    def title(self) -> str:
        return self.sheet.title

    @property
    def rows_in_error(self) -> int:
        return len({e.row for e in self.errors if e.row})

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass
class LedgerResult:
    sheets: dict[str, SheetResult] = field(default_factory=lambda: {s.key: SheetResult(s) for s in SHEETS})
    file_errors: list[LedgerError] = field(default_factory=list)
    dry_run: bool = True
    saved: bool = False

    @property
    def errors(self) -> list[LedgerError]:
        return self.file_errors + [e for s in self.sheets.values() for e in s.errors]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> int:
        return sum(s.created for s in self.sheets.values())

    @property
    def updated(self) -> int:
        return sum(s.updated for s in self.sheets.values())

    @property
    def unchanged(self) -> int:
        return sum(s.unchanged for s in self.sheets.values())

    @property
    def rows_in_error(self) -> int:
        return sum(s.rows_in_error for s in self.sheets.values())

    @property
    def to_save(self) -> int:
        return self.created + self.updated

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
            "sheets": {key: s.as_dict() for key, s in self.sheets.items()},
            "dry_run": self.dry_run,
            "saved": self.saved,
        }


def too_big() -> LedgerResult:
    return file_error(
        _("The file is larger than %(n)d MB; split the ledger into several files.")
        % {"n": MAX_FILE_BYTES // (1024 * 1024)}
    )


def file_error(message: str) -> LedgerResult:
    result = LedgerResult()
    result.file_errors.append(LedgerError("", "", None, None, None, "", message))
    return result


# ---------------------------------------------------------------------------------------------------------
# Import: cells


class CellError(Exception):
    pass


KEEP = object()  # a cell that means "as it is": a masked personal value, a blank workflow cell of an opinion


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value, *, max_length: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise CellError(_("Required."))
    if len(text) > max_length:
        raise CellError(_("At most %(n)d characters.") % {"n": max_length})
    return text


def _date(value, *, required: bool = True) -> datetime.date | None:
    if _blank(value):
        if required:
            raise CellError(_("Required."))
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise CellError(_("Not a date (YYYY-MM-DD): %(v)s") % {"v": str(value)[:30]}) from None


def _past_date(value, *, required: bool = True) -> datetime.date | None:
    day = _date(value, required=required)
    if day and day > timezone.localdate():
        raise CellError(_("The date cannot be in the future."))
    return day


def _moment(value, *, required: bool = False) -> datetime.datetime | None:
    if _blank(value):
        if required:
            raise CellError(_("Required."))
        return None
    if isinstance(value, datetime.datetime):
        naive = value.replace(tzinfo=None, second=0, microsecond=0)
    elif isinstance(value, datetime.date):
        naive = datetime.datetime.combine(value, datetime.time(9, 0))
    else:
        text = str(value).strip()
        try:
            naive = datetime.datetime.strptime(text, DATETIME_FORMAT)
        except ValueError:
            try:
                naive = datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time(9, 0))
            except ValueError:
                raise CellError(_("Not a time (YYYY-MM-DD HH:MM): %(v)s") % {"v": text[:30]}) from None
    moment = timezone.make_aware(naive)
    if moment > timezone.now():
        raise CellError(_("The time cannot be in the future."))
    return moment


def _int(value, *, minimum: int) -> int:
    if isinstance(value, bool) or _blank(value):
        raise CellError(_("Required."))
    number = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise CellError(_("Not a whole number: %(v)s") % {"v": str(value)[:30]}) from None
    if number < minimum:
        raise CellError(_("At least %(n)d.") % {"n": minimum})
    return number


def _record_id(value) -> int | None:
    if _blank(value):
        return None
    try:
        return _int(value, minimum=1)
    except CellError:
        raise CellError(_("Not a record id: %(v)s") % {"v": str(value)[:30]}) from None


def _name(value) -> str:
    text = _text(value, max_length=50)
    if "*" in text:
        raise CellError(_("A masked name cannot be entered for a new record; enter the full name or nothing."))
    return text


def _phone(value) -> str:
    if isinstance(value, float) and value.is_integer():  # a number typed into a cell Excel took for one
        value = int(value)
    text = normalise_phone(_text(value, max_length=20))
    if "*" in text:
        raise CellError(_("A masked phone cannot be entered for a new record; enter the full number or nothing."))
    if text and not is_valid_phone(text):
        raise CellError(_("Not a valid phone number: %(v)s") % {"v": text})
    return text


class Choices:
    """A choice written as its code or its label in any of the portal's languages."""

    def __init__(self, choices):
        self.codes = [code for code, _label in choices]
        self.by_text: dict[str, str] = {}
        for code, label in choices:
            self.by_text[_norm(code)] = code
            for name in _in_every_language(label):
                self.by_text[_norm(name)] = code

    def parse(self, value, *, required: bool = True) -> str:
        if _blank(value):
            if required:
                raise CellError(_("Required."))
            return ""
        code = self.by_text.get(_norm(value))
        if code is None:
            raise CellError(
                _("Unknown value %(v)s; use one of: %(c)s") % {"v": str(value)[:30], "c": ", ".join(self.codes)}
            )
        return code


class YesNo:
    def __init__(self):
        self.yes = {_norm(v) for v in YES} | {_norm(v) for v in _in_every_language(gettext_lazy("yes"))}
        self.no = {_norm(v) for v in NO} | {_norm(v) for v in _in_every_language(gettext_lazy("no"))}

    def parse(self, value) -> bool:
        if isinstance(value, bool):
            return value
        text = _norm(value)
        if text in self.yes:
            return True
        if text in self.no:
            return False
        raise CellError(_("Write %(yes)s or %(no)s.") % {"yes": _yes_no_label(True), "no": _yes_no_label(False)})


REF_RE = re.compile(r"^(?P<name>[^()（）]*)[(（](?P<ref>[^()（）]+)[)）]$")


class DeputyResolver:
    """Deputies named as ``name(ref)`` (or a name alone when it is unique among the station's residents)."""

    def __init__(self, station):
        self.station = station
        self.by_ref: dict[str, Deputy] = {}
        self.residents = list(Deputy.objects.filter(memberships__station=station).distinct().only("id", "name", "ref"))

    def resolve(self, label: str) -> Deputy:
        label = label.strip()
        match = REF_RE.match(label)
        if match:
            ref = match["ref"].strip()
            if ref not in self.by_ref:
                deputy = Deputy.objects.filter(ref=ref).only("id", "name", "ref").first()
                if deputy is None:
                    raise CellError(_("No deputy with the reference %(r)s.") % {"r": ref})
                self.by_ref[ref] = deputy
            return self.by_ref[ref]
        named = [d for d in self.residents if d.name == label]
        if len(named) != 1:
            raise CellError(
                _("Deputy %(n)s is not unique among the station's deputies; write name(reference).") % {"n": label}
                if named
                else _("No deputy named %(n)s at this station.") % {"n": label}
            )
        return named[0]

    def many(self, value) -> list[Deputy]:
        text = _text(value, max_length=2000)
        return [self.resolve(part) for part in re.split(r"[、,，;；]", text) if part.strip()]


@dataclass(frozen=True)
class NewOpinion:
    """A practical matter's source that is a new opinion of the same file (saved before it)."""

    code: str
    row: int


# ---------------------------------------------------------------------------------------------------------
# Import: reading the workbook


@dataclass
class _Row:
    sheet: Sheet
    number: int
    cells: dict
    record_id: int | None = None
    record: object | None = None
    names_record: bool = False  # the row gives an id (or an opinion's known tracking code)
    code: str = ""  # an opinion's tracking code in the file, normalised
    values: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)
    errors: list[tuple[str | None, str]] = field(default_factory=list)
    action: str = ""  # create | update | unchanged
    matched: bool = False  # a row without an id that is a record saved before (the same values)
    shown: list = field(default_factory=list)  # the changes as the preview shows them

    def error(self, column: str | None, message: str) -> None:
        self.errors.append((column, str(message)))


def _aliases(sheet: Sheet) -> dict[str, str]:
    """Normalised header text → column key: the key, the header in every language, the old bilingual header
    and each of its halves."""
    out: dict[str, str] = {}
    for column in sheet.columns:
        names = {column.key, *column.aliases, *_in_every_language(column.label)}
        if column.legacy:
            names |= {column.legacy, *column.legacy.split(" ", 1)}
        for name in names:
            out.setdefault(_norm(name), column.key)
    return out


def _sheet_titles(sheet: Sheet) -> set[str]:
    return {_norm(t) for t in {sheet.key, sheet.legacy, *_in_every_language(sheet.label)}}


def _read_workbook(data: bytes):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - whatever openpyxl makes of a file that is not a workbook
        return None


class _Reader:
    """Finds each sheet by its title and each column by its header; keeps the non-empty rows."""

    def __init__(self, result: LedgerResult):
        self.result = result
        self.letters: dict[str, dict[str, tuple[str, str]]] = {}  # sheet key → column key → (letter, header)

    def sheet_error(self, sheet: Sheet, message: str, *, row=None, letter=None, header="") -> None:
        self.result.sheets[sheet.key].errors.append(
            LedgerError(sheet.key, sheet.title, row, None, letter, header, message)
        )

    def read(self, workbook) -> dict[str, list[_Row]]:
        rows: dict[str, list[_Row]] = {s.key: [] for s in SHEETS}
        titles = {_norm(name): name for name in workbook.sheetnames}
        found = {s.key: next((titles[t] for t in _sheet_titles(s) if t in titles), None) for s in SHEETS}
        if not any(found.values()):
            expected = "、".join(s.title for s in SHEETS)
            self.result.file_errors.append(
                LedgerError(
                    "",
                    "",
                    None,
                    None,
                    None,
                    "",
                    _("This is not a station ledger: none of its sheets is one of %(expected)s (found: %(found)s).")
                    % {"expected": expected, "found": "、".join(workbook.sheetnames)[:200]},
                )
            )
            return rows
        for sheet in SHEETS:
            if found[sheet.key] is None:
                self.sheet_error(
                    sheet,
                    _("The sheet “%(title)s” is missing (sheets found: %(found)s).")
                    % {"title": sheet.title, "found": "、".join(workbook.sheetnames)[:200]},
                )
                continue
            rows[sheet.key] = self._rows(sheet, workbook[found[sheet.key]])
        return rows

    def _rows(self, sheet: Sheet, ws) -> list[_Row]:
        values = ws.iter_rows(values_only=True)
        header = list(next(values, ()) or ())
        aliases = _aliases(sheet)
        positions: dict[str, int] = {}
        letters: dict[str, tuple[str, str]] = {}
        bad = False
        for i, text in enumerate(header):
            if _blank(text):
                continue
            letter, shown = get_column_letter(i + 1), str(text).strip()
            key = aliases.get(_norm(text))
            if key is None:
                bad = True
                self.sheet_error(
                    sheet,
                    _("Unknown column “%(found)s”; the columns are: %(expected)s.")
                    % {"found": shown[:40], "expected": "、".join(sheet.headers)},
                    row=1,
                    letter=letter,
                    header=shown,
                )
            elif key in positions:
                bad = True
                self.sheet_error(
                    sheet,
                    _("The column “%(header)s” appears twice (also in column %(other)s).")
                    % {"header": shown, "other": letters[key][0]},
                    row=1,
                    letter=letter,
                    header=shown,
                )
            else:
                positions[key], letters[key] = i, (letter, shown)
        for column in sheet.columns:
            if column.key not in positions and column.key not in OPTIONAL_COLUMNS:
                bad = True
                self.sheet_error(
                    sheet, _("The column “%(header)s” is missing.") % {"header": column.header}, row=1, header=""
                )
        self.letters[sheet.key] = letters
        if bad:
            return []
        out = []
        for number, row in enumerate(values, start=2):
            if number > MAX_ROWS + 1:
                self.sheet_error(sheet, _("Too many rows: at most %(n)d per sheet.") % {"n": MAX_ROWS}, row=number)
                break
            row = list(row or ())
            # the quote an export put before text that Excel would read as a formula comes off again
            cells = {key: imported_text(row[i] if i < len(row) else None) for key, i in positions.items()}
            if all(_blank(v) for v in cells.values()):
                continue
            out.append(_Row(sheet, number, cells))
        return out


# ---------------------------------------------------------------------------------------------------------
# Import: planning each row (new, changed, unchanged) and saving


def _minute(moment: datetime.datetime | None):
    return timezone.localtime(moment).replace(second=0, microsecond=0) if moment else None


class _Importer:
    def __init__(self, *, by, station, result: LedgerResult):
        self.by, self.station, self.result = by, station, result
        self.deputies = DeputyResolver(station)
        self.units = {u.name: u for u in ResponsibleUnit.objects.all()}
        self.channels = Choices(Opinion.Channel.choices)
        self.statuses = Choices(OpinionStatus.choices)
        self.ratings = Choices(Opinion.Rating.choices)
        self.yes_no = YesNo()
        self.opinion_rows: dict[str, _Row] = {}  # tracking code in the file → its row
        self.calendar = WorkingDayCalendar.load()

    # -- records named by the rows

    def find_records(self, rows: dict[str, list[_Row]]) -> None:
        """Which saved record each row names (its ``id``; an opinion also by its tracking code), and the rows
        that name a record wrongly: unknown, of another station, voided, or named twice."""
        for sheet in SHEETS:
            sheet_rows = rows[sheet.key]
            for row in sheet_rows:
                try:
                    row.record_id = _record_id(row.cells.get("id"))
                except CellError as exc:
                    row.error("id", str(exc))
                    row.names_record = True
                if sheet is OPINIONS:
                    try:
                        code = _text(row.cells.get("tracking_code"), max_length=40)
                    except CellError as exc:
                        row.error("tracking_code", str(exc))
                        code = ""
                    row.code = normalise_tracking_code(code) if code else ""
            records = self._records(sheet, {row.record_id for row in sheet_rows if row.record_id})
            by_code = {}
            if sheet is OPINIONS:
                codes = {row.code for row in sheet_rows if row.code and not row.record_id}
                by_code = {o.tracking_code: o for o in Opinion.all_objects.filter(tracking_code__in=codes)}
            seen: dict[int, int] = {}
            for row in sheet_rows:
                if row.errors:
                    continue
                if row.record_id:
                    row.names_record = True
                    record = records.get(row.record_id)
                    if record is None or record.station_id != self.station.pk:
                        row.error("id", _("No record of this station has the id %(id)d.") % {"id": row.record_id})
                        continue
                    if sheet is OPINIONS and row.code and row.code != record.tracking_code:
                        row.error(
                            "tracking_code",
                            _("The tracking code is not the one of the opinion with this id (%(code)s).")
                            % {"code": record.tracking_code},
                        )
                elif sheet is OPINIONS and row.code in by_code:
                    row.names_record = True
                    record = by_code[row.code]
                    if record.station_id != self.station.pk:
                        row.error("tracking_code", _("This tracking code belongs to an opinion of another station."))
                        continue
                else:
                    continue
                if record.is_voided:
                    row.error(
                        "id",
                        _("The record %(id)d was voided; it must be restored before it can be changed.")
                        % {"id": record.pk},
                    )
                    continue
                if record.pk in seen:
                    message = _("The record %(id)d is already in row %(row)d.")
                    row.error("id", message % {"id": record.pk, "row": seen[record.pk]})
                    continue
                seen[record.pk] = row.number
                row.record = record
            if sheet is OPINIONS:
                for row in sheet_rows:
                    if not row.code:
                        continue
                    if row.code in self.opinion_rows:
                        message = _("The tracking code %(code)s is already in row %(row)d.")
                        row.error(
                            "tracking_code", message % {"code": row.code, "row": self.opinion_rows[row.code].number}
                        )
                        continue
                    self.opinion_rows[row.code] = row

    @staticmethod
    def _records(sheet: Sheet, ids: set[int]) -> dict:
        if not ids:
            return {}
        qs = sheet.model.all_objects.filter(pk__in=ids)
        if sheet is VISITS:
            qs = qs.prefetch_related(Prefetch("deputies", queryset=Deputy.objects.only("id", "name", "ref")))
        elif sheet is OUTREACH:
            qs = qs.select_related("deputy")
        elif sheet is OPINIONS:
            qs = qs.select_related("unit")
        else:
            qs = qs.select_related("source_opinion")
        return {r.pk: r for r in qs}

    # -- cells

    def parse(self, row: _Row) -> None:
        sheet, lenient = row.sheet, row.names_record
        out = row.values

        def cell(key: str, parse: Callable):
            if key not in row.cells:
                return
            try:
                out[key] = parse(row.cells[key])
            except CellError as exc:
                row.error(key, str(exc))

        def personal(parse: Callable) -> Callable:
            # a masked value in a saved record's row means "as it is"
            return lambda v: KEEP if lenient and isinstance(v, str) and "*" in v else parse(v)

        def fixed(parse: Callable) -> Callable:
            # a blank workflow cell of a saved opinion means "as it is"
            return lambda v: KEEP if lenient and _blank(v) else parse(v)

        if sheet is VISITS:
            cell("date", _past_date)
            cell("people_count", lambda v: _int(v, minimum=1))
            cell("deputies", self.deputies.many)
            cell("visitor_name", personal(_name))
            cell("visitor_phone", personal(_phone))
            cell("topics", lambda v: _text(v, max_length=200))
            cell("summary", lambda v: _text(v, max_length=CONTENT_MAX))
        elif sheet is OUTREACH:
            cell("date", _past_date)
            cell("deputy", lambda v: self.deputies.resolve(_text(v, max_length=200, required=True)))
            cell("place", lambda v: _text(v, max_length=200, required=True))
            cell("people_count", lambda v: _int(v, minimum=1))
            cell("summary", lambda v: _text(v, max_length=CONTENT_MAX))
        elif sheet is OPINIONS:
            cell("received_at", fixed(lambda v: _moment(v, required=True)))
            cell("channel", self.channels.parse)
            cell("category", lambda v: _text(v, max_length=50))
            cell("content", lambda v: _text(v, max_length=CONTENT_MAX, required=True))
            cell("citizen_name", fixed(personal(_name)))
            cell("citizen_phone", fixed(personal(_phone)))
            cell("status", fixed(self.statuses.parse))
            cell("unit", fixed(self._unit))
            for key in ("registered_at", "assigned_at", "answered_at", "closed_at"):
                cell(key, fixed(_moment))
            for key in ("register_due", "assign_due", "answer_due"):
                cell(key, fixed(lambda v: _date(v, required=False)))
            cell("answer", fixed(lambda v: _text(v, max_length=4000)))
            cell("rating", fixed(lambda v: self.ratings.parse(v, required=False)))
            cell("resolved", fixed(self.yes_no.parse))
            if not lenient:
                self._check_history(row)
        else:
            cell("date", _past_date)
            cell("title", lambda v: _text(v, max_length=200, required=True))
            cell("beneficiaries", lambda v: _int(0 if _blank(v) else v, minimum=0))
            cell("source", lambda v: self._source(v, row))
            cell("summary", lambda v: _text(v, max_length=CONTENT_MAX))

    def _unit(self, value) -> ResponsibleUnit | None:
        name = _text(value, max_length=100)
        if not name:
            return None
        unit = self.units.get(name)
        if unit is None:
            raise CellError(_("Unknown responsible unit: %(n)s") % {"n": name})
        return unit

    def _source(self, value, row: _Row):
        text = _text(value, max_length=40)
        if not text:
            return None
        code = normalise_tracking_code(text)
        current = getattr(row.record, "source_opinion", None)
        if current is not None and current.tracking_code == code:
            return current
        opinion_row = self.opinion_rows.get(code)
        if opinion_row is not None:
            if opinion_row.record is not None:
                return opinion_row.record
            if opinion_row.names_record:  # the opinion's own row is in error
                raise CellError(_("The source opinion (row %(row)d) has errors.") % {"row": opinion_row.number})
            return NewOpinion(code, opinion_row.number)
        opinion = Opinion.objects.filter(station=self.station, tracking_code=code).first()
        if opinion is None:
            raise CellError(_("No opinion of this station or of this file has the tracking code %(c)s.") % {"c": text})
        return opinion

    def _check_history(self, row: _Row) -> None:
        """A new opinion's status and times must make a consistent history."""
        v = row.values
        if any(k not in v for k in ("status", "unit", "resolved", "received_at")):
            return  # an error in one of them is reported already
        status = v["status"]
        if status in ("assigned", "in_progress", "answered") and v["unit"] is None:
            row.error("unit", _("An opinion that is %(s)s needs its responsible unit.") % {"s": status})
        if v["resolved"] and status != "closed":
            row.error("resolved", _("Only a closed opinion can be resolved."))
        previous = v["received_at"]
        for key in ("registered_at", "assigned_at", "answered_at", "closed_at"):
            if v.get(key) is not None:
                if v[key] < previous:
                    row.error(key, _("This time is earlier than a previous step."))
                    return
                previous = v[key]

    # -- rows without an id that were saved before

    def match_saved(self, sheet: Sheet, rows: list[_Row]) -> None:
        """A row without an id whose every value equals a live record of this station that no other row names is
        that record, saved by an earlier import of the same rows: unchanged, not created a second time. Each
        record stands for one row at most, so rows entered twice on purpose are still counted twice."""
        new = [r for r in rows if not r.errors and r.record is None and not r.names_record]
        if not new:
            return
        claimed = {r.record.pk for r in rows if r.record is not None}
        pool: dict[tuple, list] = {}
        for record in self._candidates(sheet, new):
            if record.pk not in claimed:
                pool.setdefault(_fingerprint(sheet, _record_values(sheet, record)), []).append(record)
        for row in new:
            same = pool.get(_fingerprint(sheet, row.values))
            if same:
                row.record, row.matched, row.action = same.pop(0), True, "unchanged"

    def _candidates(self, sheet: Sheet, rows: list[_Row]):
        qs = sheet.model.objects.filter(station=self.station)
        if sheet is OPINIONS:
            moments = [r.values["received_at"] for r in rows]
            return qs.filter(
                received_at__gte=min(moments), received_at__lt=max(moments) + datetime.timedelta(minutes=1)
            )
        qs = qs.filter(date__in={r.values["date"] for r in rows})
        if sheet is VISITS:
            return qs.prefetch_related("deputies")
        return qs

    # -- comparing with the saved record

    def plan(self, row: _Row) -> None:
        if row.matched or (row.errors and row.names_record and row.record is None):
            return
        if row.record is None:
            row.action = "create"
            return
        record, v, sheet = row.record, row.values, row.sheet
        if sheet is OUTREACH and "deputy" in v and v["deputy"].pk != record.deputy_id:
            row.error("deputy", _("The deputy of a saved outreach visit is not changed; void it and enter it again."))
        if sheet is OPINIONS:
            for key in OPINION_FIXED:
                if key in v and v[key] is not KEEP and not self._same(record, key, v[key]):
                    saved = {"saved": _show(key, getattr(record, key))}
                    row.error(
                        key,
                        _("A saved opinion's personal data is not changed by an import (saved: %(saved)s).") % saved
                        if key in PERSONAL
                        else _("This is changed through the opinion's workflow, not by an import (saved: %(saved)s).")
                        % saved,
                    )
        editable = set(services.EDITABLE_FIELDS[services.kind_of(record)])
        wanted = {}
        for column in sheet.columns:
            name = column.field_name
            if name in editable and column.key in v and v[column.key] is not KEEP:
                wanted[name] = v[column.key]
        new_source = None
        if isinstance(wanted.get("source_opinion"), NewOpinion):  # a new opinion of this file: it changes
            new_source = wanted.pop("source_opinion")
        try:
            changes = services.changed_fields(record, wanted)
        except DomainError as exc:
            self._domain_error(row, exc)
            return
        if new_source is not None:
            changes["source_opinion"] = new_source
        if sheet is OPINIONS and changes and record.status not in services.OPINION_CORRECTABLE:
            for name in changes:
                row.error(name, _("Handled opinions are changed through their workflow."))
        row.changes = changes
        row.action = "update" if changes else "unchanged"
        if changes:
            row.shown = _changes_shown(row)  # before the save changes the record in place

    def _same(self, record, key: str, value) -> bool:
        current = getattr(record, key)
        if isinstance(current, datetime.datetime) or isinstance(value, datetime.datetime):
            return _minute(current) == _minute(value)
        if key == "unit":
            return (value.pk if value else None) == record.unit_id
        if isinstance(current, str):
            return (value or "").strip() == current.strip()
        return value == current

    # -- saving

    def save(self, row: _Row, new_opinions: dict[str, Opinion]):
        by, station, v = self.by, self.station, row.values
        if row.action == "update":
            changes = dict(row.changes)
            source = changes.get("source_opinion")
            if isinstance(source, NewOpinion):
                changes["source_opinion"] = self._new_source(source, new_opinions)
            return services.record_update(by=by, record=row.record, reason=str(IMPORT_REASON), **changes)
        sheet = row.sheet
        if sheet is VISITS:
            return services.visit_log_create(
                by=by,
                station=station,
                date=v["date"],
                people_count=v["people_count"],
                deputies=v["deputies"],
                visitor_name=v["visitor_name"],
                visitor_phone=v["visitor_phone"],
                topics=v["topics"],
                summary=v["summary"],
            )
        if sheet is OUTREACH:
            return services.outreach_create(
                by=by,
                deputy=v["deputy"],
                station=station,
                date=v["date"],
                place=v["place"],
                people_count=v["people_count"],
                summary=v["summary"],
            )
        if sheet is OPINIONS:
            return services.opinion_import(
                by=by, station=station, calendar=self.calendar, **{k: v[k] for k in OPINION_IMPORT_FIELDS}
            )
        source = v["source"]
        if isinstance(source, NewOpinion):
            source = self._new_source(source, new_opinions)
        return services.practical_matter_create(
            by=by,
            station=station,
            date=v["date"],
            title=v["title"],
            beneficiaries=v["beneficiaries"],
            source_opinion=source,
            summary=v["summary"],
        )

    def _new_source(self, source: NewOpinion, new_opinions: dict[str, Opinion]) -> Opinion:
        opinion = new_opinions.get(source.code)
        if opinion is None:
            raise _RowFailed("source", _("The source opinion (row %(row)d) has errors.") % {"row": source.row})
        return opinion

    def _domain_error(self, row: _Row, exc: DomainError) -> None:
        columns = {c.field_name: c.key for c in row.sheet.columns}
        if exc.fields:
            for name, messages in exc.fields.items():
                for message in messages:
                    row.error(columns.get(name), str(message))
        else:
            row.error(None, str(exc.message))


class _RowFailed(Exception):
    def __init__(self, column: str | None, message: str):
        super().__init__(message)
        self.column, self.message = column, message


OPINION_IMPORT_FIELDS = (
    "received_at",
    "channel",
    "content",
    "status",
    "category",
    "citizen_name",
    "citizen_phone",
    "unit",
    "registered_at",
    "assigned_at",
    "answered_at",
    "closed_at",
    "answer",
    "rating",
    "resolved",
    "register_due",
    "assign_due",
    "answer_due",
)


FINGERPRINTS = {
    "visits": ("date", "people_count", "deputies", "visitor_name", "visitor_phone", "topics", "summary"),
    "outreach": ("deputy", "date", "place", "people_count", "summary"),
    "opinions": ("received_at", "channel", "content", "category", "citizen_name", "citizen_phone"),
    "practical_matters": ("date", "title", "beneficiaries", "source", "summary"),
}


def _record_values(sheet: Sheet, record) -> dict:
    """A saved record's values under the sheet's column keys (for the fingerprint)."""
    columns = {c.key: c.field_name for c in sheet.columns}
    return {
        key: list(record.deputies.all()) if key == "deputies" else getattr(record, columns[key])
        for key in FINGERPRINTS[sheet.key]
    }


def _fingerprint(sheet: Sheet, values: dict) -> tuple:
    out = []
    for key in FINGERPRINTS[sheet.key]:
        value = values.get(key)
        if key == "deputies":
            value = frozenset(d.pk for d in value or ())
        elif hasattr(value, "pk"):  # a deputy, a saved opinion (a NewOpinion of the file stays itself)
            value = value.pk
        elif isinstance(value, datetime.datetime):
            value = _minute(value)
        elif isinstance(value, str):
            value = value.strip()
        out.append(value)
    return tuple(out)


def _show(name: str, value) -> str:
    """A value as the preview shows it (personal data masked)."""
    if value is None or value == "":
        return "—"
    if name in PERSONAL:
        return (mask_phone if name.endswith("phone") else mask_name)(str(value))
    if name == "deputies":
        return "、".join(_deputy_label(d) for d in value) or "—"
    if isinstance(value, Opinion | NewOpinion):
        return value.code if isinstance(value, NewOpinion) else value.tracking_code
    choices = {"channel": Opinion.Channel, "status": OpinionStatus, "rating": Opinion.Rating}
    if name in choices:
        return str(dict(choices[name].choices).get(value, value))
    if isinstance(value, bool):
        return _yes_no_label(value)
    if isinstance(value, datetime.datetime):
        return _local(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _changes_shown(row: _Row) -> list[Change]:
    out = []
    columns = {c.field_name: c for c in row.sheet.columns}
    for name, after in row.changes.items():
        before = list(row.record.deputies.all()) if name == "deputies" else getattr(row.record, name)
        header = columns[name].header if name in columns else name
        out.append(Change(header, _show(name, before), _show(name, after)))
    return out


def import_ledger(*, by, station, data: bytes, dry_run: bool = True) -> LedgerResult:
    """Check every row of every sheet and, unless ``dry_run`` or anything is wrong, save them all in one
    transaction. The result counts per sheet the rows created, updated and unchanged and lists every error
    (sheet, row, column). A dry run runs the very same saves and rolls them back, so what it reports is what
    saving would do."""
    require(by, "ledger.import", station)
    if len(data) > MAX_FILE_BYTES:
        return too_big()
    workbook = _read_workbook(data)
    if workbook is None:
        return file_error(_("The file is not an Excel workbook (.xlsx)."))
    result = LedgerResult(dry_run=dry_run)
    reader = _Reader(result)
    try:
        rows = reader.read(workbook)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        return file_error(_("The workbook cannot be read; save it again as .xlsx and upload it again."))
    finally:
        workbook.close()
    if result.file_errors:
        return result
    importer = _Importer(by=by, station=station, result=result)
    importer.find_records(rows)
    for sheet in SHEETS:  # in this order: a practical matter's source opinion is planned before it
        for row in rows[sheet.key]:
            importer.parse(row)
        importer.match_saved(sheet, rows[sheet.key])
        for row in rows[sheet.key]:
            importer.plan(row)
    with transaction.atomic():
        new_opinions: dict[str, Opinion] = {}
        for sheet in SHEETS:
            for row in rows[sheet.key]:
                if row.errors or row.action not in ("create", "update"):
                    continue
                try:
                    with transaction.atomic():
                        saved = importer.save(row, new_opinions)
                except DomainError as exc:
                    importer._domain_error(row, exc)
                except _RowFailed as exc:
                    row.error(exc.column, exc.message)
                except (DjangoValidationError, IntegrityError, DataError) as exc:
                    row.error(None, _("The row cannot be saved: %(e)s") % {"e": str(exc)[:200]})
                else:
                    if sheet is OPINIONS and row.action == "create" and row.code:
                        new_opinions[row.code] = saved
        _tally(result, rows, reader.letters)
        if dry_run or not result.ok:
            transaction.set_rollback(True)
        else:
            result.saved = True
    return result


def _tally(result: LedgerResult, rows: dict[str, list[_Row]], letters) -> None:
    for sheet in SHEETS:
        sheet_result = result.sheets[sheet.key]
        found = letters.get(sheet.key, {})
        for row in rows[sheet.key]:
            if row.errors:
                for key, message in row.errors:
                    letter, header = found.get(key, (None, "")) if key else (None, "")
                    if key and not header:
                        column = sheet.column(key)
                        header = column.header if column else ""
                    sheet_result.errors.append(
                        LedgerError(sheet.key, sheet.title, row.number, key, letter, header, message)
                    )
            elif row.action == "create":
                sheet_result.created += 1
            elif row.action == "update":
                sheet_result.updated += 1
                sheet_result.changed.append(ChangedRow(row.number, row.record.pk, row.shown))
            else:
                sheet_result.unchanged += 1
                if row.matched:
                    sheet_result.matched.append((row.number, row.record.pk))
        sheet_result.errors.sort(key=lambda e: e.row or 0)
