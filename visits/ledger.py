"""The station's Excel ledger (工作台账): export, a template to fill in, and an all-or-nothing import.

Export streams rows from the database into a write-only openpyxl workbook (constant memory whatever the
range), personal data masked unless the user may unmask and asks for it (then every exported record with
personal data is logged). Import reads a workbook in the same layout, validates every row of every sheet
first and reports each error with its sheet, row and column; only a workbook without errors is saved, all of
it in one transaction.
"""

from __future__ import annotations

import datetime
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from core.access import require
from core.errors import Invalid
from core.privacy import can_unmask, is_valid_phone, mask_name, mask_phone, normalise_phone
from core.workdays import WorkingDayCalendar
from deputies.models import Deputy

from . import services
from .models import CONTENT_MAX, Opinion, OpinionStatus, Outreach, PracticalMatter, ResponsibleUnit, VisitLog

DATETIME_FORMAT = "%Y-%m-%d %H:%M"
MAX_ROWS = 20000  # per sheet: a station's ledger for many years fits easily
YES, NO = ("是", "yes", "y", "true", "1"), ("否", "no", "n", "false", "0", "")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


VISITS = Sheet(
    "visits",
    "接待记录",
    (
        Column("date", "日期 date", 12),
        Column("people_count", "人数 people", 8),
        Column("deputies", "接待代表 deputies", 30),
        Column("visitor_name", "来访人 visitor", 10),
        Column("visitor_phone", "联系电话 phone", 14),
        Column("topics", "反映事项 topics", 20),
        Column("summary", "情况摘要 summary", 50),
    ),
)
OUTREACH = Sheet(
    "outreach",
    "走访选民",
    (
        Column("date", "日期 date", 12),
        Column("deputy", "代表 deputy", 22),
        Column("place", "地点 place", 24),
        Column("people_count", "走访人数 people", 8),
        Column("summary", "情况摘要 summary", 50),
    ),
)
OPINIONS = Sheet(
    "opinions",
    "群众意见",
    (
        Column("tracking_code", "查询码 tracking code", 16),
        Column("received_at", "收到时间 received", 17),
        Column("channel", "渠道 channel", 10),
        Column("category", "类别 category", 12),
        Column("content", "内容 content", 50),
        Column("citizen_name", "群众姓名 citizen", 10),
        Column("citizen_phone", "联系电话 phone", 14),
        Column("status", "状态 status", 12),
        Column("unit", "承办单位 unit", 24),
        Column("registered_at", "登记时间 registered", 17),
        Column("assigned_at", "交办时间 assigned", 17),
        Column("answered_at", "答复时间 answered", 17),
        Column("closed_at", "办结时间 closed", 17),
        Column("register_due", "登记期限 register by", 12),
        Column("assign_due", "交办期限 assign by", 12),
        Column("answer_due", "答复期限 answer by", 12),
        Column("answer", "答复 answer", 40),
        Column("rating", "评价 rating", 12),
        Column("resolved", "已解决 resolved", 8),
    ),
)
PRACTICAL = Sheet(
    "practical_matters",
    "为群众办实事",
    (
        Column("date", "日期 date", 12),
        Column("title", "事项 title", 36),
        Column("beneficiaries", "受益人数 beneficiaries", 10),
        Column("source", "来源意见查询码 source opinion", 16),
        Column("summary", "情况摘要 summary", 50),
    ),
)
SHEETS = (VISITS, OUTREACH, OPINIONS, PRACTICAL)
INSTRUCTIONS_TITLE = "说明"


def _month_end(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime(DATETIME_FORMAT) if moment else ""


def _deputy_label(deputy: Deputy) -> str:
    return f"{deputy.name}({deputy.ref})"


# ---------------------------------------------------------------------------------------------------------
# Export


def _rows(sheet: Sheet, records: Iterable, masked: bool) -> Iterable[list]:
    name, phone = (mask_name, mask_phone) if masked else (str, str)
    for r in records:
        if sheet is VISITS:
            yield [
                r.date,
                r.people_count,
                "、".join(_deputy_label(d) for d in r.deputies.all()),
                name(r.visitor_name),
                phone(r.visitor_phone),
                r.topics,
                r.summary,
            ]
        elif sheet is OUTREACH:
            yield [r.date, _deputy_label(r.deputy), r.place, r.people_count, r.summary]
        elif sheet is OPINIONS:
            yield [
                r.tracking_code,
                _local(r.received_at),
                r.channel,
                r.category,
                r.content,
                name(r.citizen_name),
                phone(r.citizen_phone),
                r.status,
                r.unit.name if r.unit_id else "",
                _local(r.registered_at),
                _local(r.assigned_at),
                _local(r.answered_at),
                _local(r.closed_at),
                r.register_due,
                r.assign_due,
                r.answer_due,
                r.answer,
                r.rating,
                "是" if r.resolved else "否",
            ]
        else:
            yield [
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
    ws.append(sheet.headers)
    return ws


def _instructions(workbook: Workbook) -> None:
    ws = workbook.create_sheet(INSTRUCTIONS_TITLE)
    ws.column_dimensions["A"].width = 100
    lines = [
        "工作台账导入说明 / How to fill in the ledger",
        "每个工作表第一行是表头，请勿修改；从第二行起每行一条记录。Keep the header row; one record per row.",
        "日期格式 YYYY-MM-DD，时间格式 YYYY-MM-DD HH:MM。Dates YYYY-MM-DD, times YYYY-MM-DD HH:MM.",
        "期限留空时按工作日自动计算。Empty deadlines are computed from the working-day calendar.",
        "代表填写“姓名(编号)”，多名代表用“、”分隔。Deputies as name(reference), separated by 、.",
        "渠道 channel: " + ", ".join(f"{v} {label}" for v, label in Opinion.Channel.choices),
        "状态 status: " + ", ".join(f"{v} {label}" for v, label in OpinionStatus.choices),
        "评价 rating: satisfied, not_satisfied 或留空 (or empty); 已解决 resolved: 是 / 否",
        "承办单位填写单位全称。Unit: the full name of a responsible unit.",
        "查询码：导入时生成新的查询码；为群众办实事的来源意见可填写本文件中意见的查询码。",
        "Tracking codes: new ones are issued on import; a practical matter may name an opinion of this file.",
        "导入时先校验全部数据，有任何错误则不保存。Every row is checked first; nothing is saved if any is wrong.",
    ]
    for line in lines:
        ws.append([line])


def ledger_querysets(*, user, station, start: datetime.date, end: datetime.date) -> dict[str, Iterable]:
    """The records of ``station`` between the first day of ``start``'s month and the last of ``end``'s."""
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
# Import: parse and validate everything, then save everything


@dataclass
class LedgerError:
    sheet: str
    row: int | None
    column: str | None  # the column letter, e.g. "C"
    header: str
    message: str


@dataclass
class ParsedLedger:
    rows: dict[str, list[dict]] = field(default_factory=lambda: {s.key: [] for s in SHEETS})
    errors: list[LedgerError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        return {key: len(rows) for key, rows in self.rows.items()}

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class CellError(Exception):
    pass


def _text(value, *, max_length: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise CellError(_("Required."))
    if len(text) > max_length:
        raise CellError(_("At most %(n)d characters.") % {"n": max_length})
    return text


def _date(value, *, required: bool = True) -> datetime.date | None:
    if value in (None, ""):
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
    if value in (None, ""):
        if required:
            raise CellError(_("Required."))
        return None
    if isinstance(value, datetime.datetime):
        naive = value.replace(tzinfo=None)
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
    if isinstance(value, bool) or value in (None, ""):
        raise CellError(_("Required."))
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise CellError(_("Not a whole number: %(v)s") % {"v": str(value)[:30]}) from None
    if number < minimum:
        raise CellError(_("At least %(n)d.") % {"n": minimum})
    return number


def _name(value) -> str:
    text = _text(value, max_length=50)
    if "*" in text:
        raise CellError(_("A masked name cannot be imported; enter the full name or nothing."))
    return text


def _phone(value) -> str:
    text = normalise_phone(_text(value, max_length=20))
    if "*" in text:
        raise CellError(_("A masked phone cannot be imported; enter the full number or nothing."))
    if text and not is_valid_phone(text):
        raise CellError(_("Not a valid phone number: %(v)s") % {"v": text})
    return text


def _choice(value, choices, *, required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise CellError(_("Required."))
        return ""
    for code, label in choices:
        if text.lower() == code or text == str(label):
            return code
    raise CellError(
        _("Unknown value %(v)s; use one of: %(c)s") % {"v": text[:30], "c": ", ".join(c for c, _l in choices)}
    )


def _yes_no(value) -> bool:
    text = "" if value is None else str(value).strip().lower()
    if isinstance(value, bool):
        return value
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("Write 是 or 否 (yes or no)."))


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


def _parse_row(sheet: Sheet, cells: dict[str, object], ctx: dict) -> dict:
    """Turn one row's cells into values; raises CellError keyed by column (via ``ctx['column']``)."""
    out: dict = {}

    def cell(key: str, parse: Callable):
        ctx["column"] = key
        out[key] = parse(cells.get(key))

    resolver: DeputyResolver = ctx["deputies"]
    if sheet is VISITS:
        cell("date", _past_date)
        cell("people_count", lambda v: _int(v, minimum=1))
        cell("deputies", resolver.many)
        cell("visitor_name", _name)
        cell("visitor_phone", _phone)
        cell("topics", lambda v: _text(v, max_length=200))
        cell("summary", lambda v: _text(v, max_length=CONTENT_MAX))
    elif sheet is OUTREACH:
        cell("date", _past_date)
        cell("deputy", lambda v: resolver.resolve(_text(v, max_length=200, required=True)))
        cell("place", lambda v: _text(v, max_length=200, required=True))
        cell("people_count", lambda v: _int(v, minimum=1))
        cell("summary", lambda v: _text(v, max_length=CONTENT_MAX))
    elif sheet is OPINIONS:
        cell("tracking_code", lambda v: _text(v, max_length=20))
        cell("received_at", lambda v: _moment(v, required=True))
        cell("channel", lambda v: _choice(v, Opinion.Channel.choices))
        cell("category", lambda v: _text(v, max_length=50))
        cell("content", lambda v: _text(v, max_length=CONTENT_MAX, required=True))
        cell("citizen_name", _name)
        cell("citizen_phone", _phone)
        cell("status", lambda v: _choice(v, OpinionStatus.choices))
        cell("unit", lambda v: _unit(v, ctx))
        for key in ("registered_at", "assigned_at", "answered_at", "closed_at"):
            cell(key, _moment)
        for key in ("register_due", "assign_due", "answer_due"):
            cell(key, lambda v: _date(v, required=False))
        cell("answer", lambda v: _text(v, max_length=4000))
        cell("rating", lambda v: _choice(v, Opinion.Rating.choices, required=False))
        cell("resolved", _yes_no)
        _check_opinion(out, ctx)
    else:
        cell("date", _past_date)
        cell("title", lambda v: _text(v, max_length=200, required=True))
        cell("beneficiaries", lambda v: _int(0 if v in (None, "") else v, minimum=0))
        cell("source", lambda v: _source(v, ctx))
        cell("summary", lambda v: _text(v, max_length=CONTENT_MAX))
    return out


def _unit(value, ctx) -> ResponsibleUnit | None:
    name = _text(value, max_length=100)
    if not name:
        return None
    unit = ctx["units"].get(name)
    if unit is None:
        raise CellError(_("Unknown responsible unit: %(n)s") % {"n": name})
    return unit


def _source(value, ctx) -> str:
    code = _text(value, max_length=20)
    if code and code not in ctx["opinion_codes"]:
        raise CellError(_("No opinion with this tracking code in the workbook: %(c)s") % {"c": code})
    return code


def _check_opinion(row: dict, ctx) -> None:
    """The row's status and times must make a consistent history."""
    status = row["status"]
    ctx["column"] = "unit"
    if status in ("assigned", "in_progress", "answered") and row["unit"] is None:
        raise CellError(_("An opinion that is %(s)s needs its responsible unit.") % {"s": status})
    ctx["column"] = "resolved"
    if row["resolved"] and status != "closed":
        raise CellError(_("Only a closed opinion can be resolved."))
    previous = row["received_at"]
    for key in ("registered_at", "assigned_at", "answered_at", "closed_at"):
        ctx["column"] = key
        if row[key] is not None:
            if row[key] < previous:
                raise CellError(_("This time is earlier than a previous step."))
            previous = row[key]


def _read_workbook(data: bytes):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None


def parse_ledger(*, data: bytes, station) -> ParsedLedger:
    """Validate every row of every sheet; return the values and every error (sheet, row, column)."""
    result = ParsedLedger()
    workbook = _read_workbook(data)
    if workbook is None:
        result.errors.append(LedgerError("", None, None, "", _("The file is not an Excel workbook (.xlsx).")))
        return result
    ctx = {
        "deputies": DeputyResolver(station),
        "units": {u.name: u for u in ResponsibleUnit.objects.all()},
        "opinion_codes": set(),
        "column": None,
    }
    raw: dict[str, list[tuple[int, dict]]] = {}
    for sheet in SHEETS:
        if sheet.title not in workbook.sheetnames:
            result.errors.append(LedgerError(sheet.title, None, None, "", _("The sheet is missing.")))
            continue
        ws = workbook[sheet.title]
        rows = ws.iter_rows(values_only=True)
        header = [("" if v is None else str(v).strip()) for v in next(rows, ())]
        bad_header = False
        for i, column in enumerate(sheet.columns):
            found = header[i] if i < len(header) else ""
            if found != column.header:
                bad_header = True
                result.errors.append(
                    LedgerError(
                        sheet.title,
                        1,
                        get_column_letter(i + 1),
                        column.header,
                        _("Expected the header “%(e)s”, found “%(f)s”.") % {"e": column.header, "f": found},
                    )
                )
        if bad_header:
            continue
        raw[sheet.key] = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                result.errors.append(LedgerError(sheet.title, number, None, "", _("Too many rows.")))
                break
            values = list(values or ())
            if all(v in (None, "") for v in values):
                continue
            cells = {c.key: (values[i] if i < len(values) else None) for i, c in enumerate(sheet.columns)}
            raw[sheet.key].append((number, cells))
            if sheet is OPINIONS and cells.get("tracking_code"):
                ctx["opinion_codes"].add(str(cells["tracking_code"]).strip())
    workbook.close()
    for sheet in SHEETS:
        letters = {c.key: (get_column_letter(i + 1), c.header) for i, c in enumerate(sheet.columns)}
        for number, cells in raw.get(sheet.key, []):
            ctx["column"] = None
            try:
                values = _parse_row(sheet, cells, ctx)
            except CellError as exc:
                letter, header = letters.get(ctx["column"], (None, ""))
                result.errors.append(LedgerError(sheet.title, number, letter, header, str(exc)))
                continue
            values["_row"] = number
            result.rows[sheet.key].append(values)
    return result


@transaction.atomic
def save_ledger(*, by, station, parsed: ParsedLedger) -> dict[str, int]:
    """Save every parsed row through the services, all in one transaction: if any row is refused, nothing is
    saved and the error names its sheet and row."""
    if not parsed.ok:
        raise Invalid(_("The ledger has errors; nothing was saved."))
    require(by, "ledger.import", station)
    calendar = WorkingDayCalendar.load()

    def guarded(sheet: Sheet, row: dict, call):
        try:
            return call()
        except Invalid as exc:
            raise Invalid(
                _("%(sheet)s, row %(row)d: %(msg)s")
                % {"sheet": sheet.title, "row": row["_row"], "msg": "; ".join(exc.messages())}
            ) from None

    for row in parsed.rows["visits"]:
        guarded(
            VISITS,
            row,
            lambda row=row: services.visit_log_create(
                by=by,
                station=station,
                date=row["date"],
                people_count=row["people_count"],
                deputies=row["deputies"],
                visitor_name=row["visitor_name"],
                visitor_phone=row["visitor_phone"],
                topics=row["topics"],
                summary=row["summary"],
            ),
        )
    for row in parsed.rows["outreach"]:
        guarded(
            OUTREACH,
            row,
            lambda row=row: services.outreach_create(
                by=by,
                deputy=row["deputy"],
                station=station,
                date=row["date"],
                place=row["place"],
                people_count=row["people_count"],
                summary=row["summary"],
            ),
        )
    new_codes: dict[str, Opinion] = {}
    for row in parsed.rows["opinions"]:
        opinion = guarded(
            OPINIONS,
            row,
            lambda row=row: services.opinion_import(
                by=by,
                station=station,
                calendar=calendar,
                **{k: v for k, v in row.items() if k not in ("_row", "tracking_code")},
            ),
        )
        if row["tracking_code"]:
            new_codes[row["tracking_code"]] = opinion
    for row in parsed.rows["practical_matters"]:
        guarded(
            PRACTICAL,
            row,
            lambda row=row: services.practical_matter_create(
                by=by,
                station=station,
                date=row["date"],
                title=row["title"],
                beneficiaries=row["beneficiaries"],
                source_opinion=new_codes.get(row["source"]),
                summary=row["summary"],
            ),
        )
    return parsed.counts
