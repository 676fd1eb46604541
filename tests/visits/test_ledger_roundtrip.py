"""The ledger round-trips: export → import again changes nothing; a changed cell updates exactly that record
through the corrections service (with its trail); a row without an id is new; masked personal data stays as it
is; every error of every row is listed and nothing is saved; headers in Chinese, English or the old bilingual
form import; ids that are voided or of another station are refused. Through the desk and through the API."""

import datetime
import io

import pytest
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from portal import selectors as portal_selectors
from stations.models import Station
from visits import ledger, services
from visits.models import Opinion, OpinionEvent, OpinionStatus, Outreach, PracticalMatter, VisitLog

pytestmark = pytest.mark.django_db
CODE = "YL-001"
MODELS = (VisitLog, Outreach, Opinion, PracticalMatter)
# The headers of the first ledgers, before the id column and the reader's language (kept to prove old files import).
OLD_HEADERS = {
    "接待记录": ["日期 date", "人数 people", "接待代表 deputies", "来访人 visitor", "联系电话 phone", "反映事项 topics",
                 "情况摘要 summary"],
    "走访选民": ["日期 date", "代表 deputy", "地点 place", "走访人数 people", "情况摘要 summary"],
    "群众意见": ["查询码 tracking code", "收到时间 received", "渠道 channel", "类别 category", "内容 content",
                 "群众姓名 citizen", "联系电话 phone", "状态 status", "承办单位 unit", "登记时间 registered",
                 "交办时间 assigned", "答复时间 answered", "办结时间 closed", "登记期限 register by",
                 "交办期限 assign by", "答复期限 answer by", "答复 answer", "评价 rating", "已解决 resolved"],
    "为群众办实事": ["日期 date", "事项 title", "受益人数 beneficiaries", "来源意见查询码 source opinion",
                     "情况摘要 summary"],
}  # fmt: skip


@pytest.fixture
def station():
    return Station.objects.get(code=CODE)


@pytest.fixture
def officer(demo_user):
    return demo_user("officer")


@pytest.fixture
def desk(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def en_desk(en_client, officer):
    """The desk in English, where a test reads the messages."""
    en_client.force_login(officer)
    return en_client


def year_range() -> str:
    today = timezone.localdate()
    return f"start={today.year}-01&end={today:%Y-%m}"


def desk_export(c, code=CODE) -> bytes:
    response = c.get(f"/desk/{code}/ledger/export.xlsx?{year_range()}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def desk_preview(c, data: bytes, code=CODE):
    return c.post(f"/desk/{code}/ledger/import/", {"file": io.BytesIO(data)})


def desk_save(c, preview, code=CODE):
    token = preview.context["token"]
    return c.post(f"/desk/{code}/ledger/import/", {"token": token})


def col(sheet, key) -> int:
    return [c.key for c in sheet.columns].index(key) + 1


def edit(data: bytes, change) -> bytes:
    """Open the workbook, let ``change(wb)`` edit it, return the new bytes."""
    wb = load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet_of(wb, sheet):
    return wb.worksheets[ledger.SHEETS.index(sheet)]


def row_of(ws, record_id) -> int:
    for number, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if row[0] == record_id:
            return number
    raise AssertionError(f"no row with id {record_id}")


def data_rows(data: bytes) -> dict[str, int]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return {
        s.key: sum(1 for r in sheet_of(wb, s).iter_rows(min_row=2, values_only=True) if any(r)) for s in ledger.SHEETS
    }


def db_state(station):
    """Everything an import could add or change: rows (voided ones too), versions, opinion events, figures."""
    return {
        "rows": {m.__name__: m.all_objects.filter(station=station).count() for m in MODELS},
        "versions": {m.__name__: m.history.filter(station_id=station.pk).count() for m in MODELS},
        "events": OpinionEvent.objects.filter(opinion__station=station).count(),
        "public": public_figures(),
    }


def public_figures() -> dict:
    """What /stations/YL-001/ shows (people received, opinions received and resolved, activities)."""
    return dict(portal_selectors.station_page(code=CODE, today=timezone.localdate()).figures)


def test_export_carries_ids_and_the_readers_language(desk, en_client, officer, station):
    data = desk_export(desk)
    wb = load_workbook(io.BytesIO(data))
    visits = sheet_of(wb, ledger.VISITS)
    header = [c.value for c in visits[1]]
    with translation.override("zh-hans"):
        assert header == ledger.VISITS.headers and wb.sheetnames[0] == ledger.VISITS.title
    ids = [r[0] for r in visits.iter_rows(min_row=2, values_only=True)]
    year = timezone.localdate().year
    assert sorted(ids) == sorted(VisitLog.objects.filter(station=station, date__year=year).values_list("pk", flat=True))
    opinions = sheet_of(wb, ledger.OPINIONS)
    first = next(opinions.iter_rows(min_row=2, values_only=True))
    opinion = Opinion.objects.get(pk=first[0])
    assert first[1] == opinion.tracking_code
    en_client.force_login(officer)
    wb_en = load_workbook(io.BytesIO(desk_export(en_client)))
    assert [c.value for c in sheet_of(wb_en, ledger.VISITS)[1]][:3] == ["Record id", "Date", "People"]
    assert wb_en.sheetnames[:4] == ["Visit logs", "Outreach visits", "Opinions", "Practical matters"]


def test_reimporting_the_export_changes_nothing_on_the_desk(desk, station):
    data = desk_export(desk)
    rows = data_rows(data)
    assert all(rows.values()), rows  # the demo's year has rows in every sheet
    before = db_state(station)
    preview = desk_preview(desk, data)
    assert preview.status_code == 200, preview.content.decode()[:3000]
    result = preview.context["result"]
    assert result.ok and (result.created, result.updated) == (0, 0)
    assert {k: s.unchanged for k, s in result.sheets.items()} == rows
    assert "token" not in preview.context  # nothing to save
    html = preview.content.decode()
    assert 'id="ledger-nothing"' in html and 'id="ledger-errors"' not in html
    assert db_state(station) == before
    assert desk.get(f"/stations/{CODE}/").status_code == 200


def test_reimporting_the_export_changes_nothing_through_the_api(login_api, officer, station):
    api = login_api(officer)
    year = timezone.localdate().year
    response = api.get(f"/api/v1/stations/{CODE}/ledger.xlsx?year={year}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)
    rows = data_rows(data)
    before = db_state(station)
    for dry_run in ("1", "0"):
        answer = api.post(
            f"/api/v1/stations/{CODE}/ledger/", {"file": io.BytesIO(data), "dry_run": dry_run}, format="multipart"
        )
        assert answer.status_code == 200, answer.json()
        body = answer.json()
        assert (body["created"], body["updated"], body["errors"]) == (0, 0, [])
        assert body["unchanged"] == sum(rows.values())
        assert {k: s["unchanged"] for k, s in body["sheets"].items()} == rows
        assert all(s["created"] == s["updated"] == 0 and s["errors"] == [] for s in body["sheets"].values())
    assert db_state(station) == before


def test_one_changed_cell_updates_that_record_with_its_trail(desk, officer, station):
    data = desk_export(desk)
    visit = VisitLog.objects.filter(station=station, date__year=timezone.localdate().year).order_by("id").first()
    versions, people = visit.history.count(), visit.people_count
    before = db_state(station)

    def bump(wb):
        ws = sheet_of(wb, ledger.VISITS)
        ws.cell(row_of(ws, visit.pk), col(ledger.VISITS, "people_count")).value = visit.people_count + 5

    changed = edit(data, bump)
    preview = desk_preview(desk, changed)
    assert preview.status_code == 200
    result = preview.context["result"]
    assert (result.created, result.updated) == (0, 1)
    row = result.sheets["visits"].changed[0]
    assert row.record_id == visit.pk
    assert [(c.before, c.after) for c in row.changes] == [(str(visit.people_count), str(visit.people_count + 5))]
    assert db_state(station) == before  # the preview saved nothing
    saved = desk_save(desk, preview)
    assert saved.status_code == 200 and saved.context["result"].saved
    assert 'id="ledger-saved"' in saved.content.decode()
    visit.refresh_from_db()
    assert visit.people_count == people + 5
    latest, previous = visit.history.all()[:2]  # (the service keeps a baseline of records entered in bulk)
    assert visit.history.count() > versions and latest.history_type == "~"
    with translation.override("zh-hans"):  # the reason is written in the importer's language
        reason = str(ledger.IMPORT_REASON)
    assert latest.history_user_id == officer.pk and latest.history_change_reason == reason
    assert (previous.people_count, latest.people_count) == (people, people + 5)
    after = db_state(station)
    assert after["rows"] == before["rows"]
    assert after["public"]["people_received"] == before["public"]["people_received"] + 5
    # The same file again: nothing to do.
    again = desk_preview(desk, changed).context["result"]
    assert (again.created, again.updated, again.ok) == (0, 0, True)


def test_a_row_without_id_is_new_and_masked_cells_keep_what_is_saved(desk, station):
    year = timezone.localdate().year
    visit = (
        VisitLog.objects.filter(station=station, date__year=year).exclude(visitor_name="").exclude(visitor_phone="")
    ).first()
    assert visit is not None
    name, phone = visit.visitor_name, visit.visitor_phone
    data = desk_export(desk)

    def add_and_mask(wb):
        ws = sheet_of(wb, ledger.VISITS)
        number = row_of(ws, visit.pk)
        name_cell = ws.cell(number, col(ledger.VISITS, "visitor_name"))
        assert "*" in name_cell.value  # exported masked
        name_cell.value = "李**"  # another mask: still "as it is"
        ws.cell(number, col(ledger.VISITS, "visitor_phone")).value = "139****0000"
        ws.append(["", f"{year}-03-03", 2, "", "王五", "13800001111", "交通", "新的一条"])

    before = db_state(station)
    upload = edit(data, add_and_mask)
    preview = desk_preview(desk, upload)
    assert preview.status_code == 200, [e.message for e in preview.context["result"].errors]
    result = preview.context["result"]
    assert (result.created, result.updated, result.sheets["visits"].created) == (1, 0, 1)
    saved = desk_save(desk, preview).context["result"]
    assert saved.saved and (saved.created, saved.updated) == (1, 0)
    visit.refresh_from_db()
    assert (visit.visitor_name, visit.visitor_phone) == (name, phone)
    assert VisitLog.objects.filter(station=station).count() == before["rows"]["VisitLog"] + 1
    new = VisitLog.objects.filter(station=station, summary="新的一条").get()
    assert (new.visitor_name, new.visitor_phone, new.people_count) == ("王五", "13800001111", 2)
    # The same file once more: the new row is the record it made, the masked cells still mean "as it is".
    again = desk_preview(desk, upload).context["result"]
    assert (again.created, again.updated, again.ok) == (0, 0, True)
    assert again.sheets["visits"].matched == [(data_rows(upload)["visits"] + 1, new.pk)]


def test_every_error_of_every_row_is_listed_and_nothing_is_saved(desk, login_api, officer, station):
    data = desk_export(desk)
    visit_ids = list(
        VisitLog.objects.filter(station=station, date__year=timezone.localdate().year).values_list("pk", flat=True)
    )

    def spoil(wb):
        v = sheet_of(wb, ledger.VISITS)
        first = row_of(v, visit_ids[0])
        v.cell(first, col(ledger.VISITS, "people_count")).value = 0
        v.cell(first, col(ledger.VISITS, "date")).value = "2026-13-45"  # two errors in one row
        v.cell(row_of(v, visit_ids[1]), col(ledger.VISITS, "people_count")).value = 7  # a valid change
        v.append(["", "2025-05-01", 2, "", "", "138****5678", "", ""])  # a masked phone on a new row
        o = sheet_of(wb, ledger.OUTREACH)
        o.cell(2, col(ledger.OUTREACH, "place")).value = ""
        p = sheet_of(wb, ledger.PRACTICAL)
        p.append(["", "2025-06-01", "修路", "很多", "", ""])

    spoiled = edit(data, spoil)
    before = db_state(station)
    preview = desk_preview(desk, spoiled)
    assert preview.status_code == 400
    result = preview.context["result"]
    rows = data_rows(spoiled)
    found = {(e.sheet, e.row, e.column) for e in result.errors}
    wb = load_workbook(io.BytesIO(spoiled), read_only=True)
    first_row = row_of(sheet_of(wb, ledger.VISITS), visit_ids[0])
    expected = {
        ("visits", first_row, "people_count"),
        ("visits", first_row, "date"),
        ("visits", rows["visits"] + 1, "visitor_phone"),
        ("outreach", 2, "place"),
        ("practical_matters", rows["practical_matters"] + 1, "beneficiaries"),
    }
    assert found == expected
    assert result.sheets["visits"].rows_in_error == 2 and result.sheets["visits"].updated == 1
    html = preview.content.decode()
    assert html.count("<tr><td>") >= len(expected) and "token" not in preview.context
    assert db_state(station) == before
    answer = login_api(officer).post(
        f"/api/v1/stations/{CODE}/ledger/", {"file": io.BytesIO(spoiled)}, format="multipart"
    )
    assert answer.status_code == 400
    body = answer.json()
    assert {(e["sheet"], e["row"], e["column"]) for e in body["errors"]} == expected
    assert {(e["sheet"], e["row"], e["column"]) for e in body["sheets"]["visits"]["errors"]} == {
        e for e in expected if e[0] == "visits"
    }
    assert body["updated"] == 1 and db_state(station) == before


def test_english_headers_and_the_old_bilingual_template_import(client, en_client, officer, station):
    en_client.force_login(officer)
    data = desk_export(en_client)
    client.force_login(officer)
    preview = desk_preview(client, data)  # a Chinese desk reads the English workbook
    assert preview.status_code == 200, [e.message for e in preview.context["result"].errors]
    result = preview.context["result"]
    assert (result.created, result.updated) == (0, 0) and result.unchanged == sum(data_rows(data).values())

    old = Workbook()
    old.remove(old.active)
    for title, headers in OLD_HEADERS.items():
        old.create_sheet(title).append(headers)
    old["接待记录"].append(["2025-05-01", 3, "", "赵六", "13900001111", "交通", "老模板"])
    old["群众意见"].append(
        [
            "A1",
            "2025-05-01 10:00",
            "visit",
            "",
            "路灯不亮",
            "",
            "",
            "received",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "否",
        ]
    )
    old["为群众办实事"].append(["2025-05-20", "修路灯", 12, "A1", ""])
    out = io.BytesIO()
    old.save(out)
    before = db_state(station)
    preview = desk_preview(client, out.getvalue())
    assert preview.status_code == 200, [e.message for e in preview.context["result"].errors]
    saved = desk_save(client, preview).context["result"]
    assert saved.saved and {k: s.created for k, s in saved.sheets.items()} == {
        "visits": 1,
        "outreach": 0,
        "opinions": 1,
        "practical_matters": 1,
    }
    matter = PracticalMatter.objects.get(station=station, title="修路灯")
    assert matter.source_opinion.content == "路灯不亮" and matter.source_opinion.tracking_code != "A1"
    after = db_state(station)
    assert after["rows"]["VisitLog"] == before["rows"]["VisitLog"] + 1
    # The same file again (its rows have no ids): each row is the record it made, nothing is added twice.
    again = desk_preview(client, out.getvalue())
    result = again.context["result"]
    assert (result.created, result.updated, result.unchanged, result.ok) == (0, 0, 3, True)
    assert [pk for _row, pk in result.sheets["practical_matters"].matched] == [matter.pk]
    assert "token" not in again.context and db_state(station) == after


def test_voided_records_and_other_stations_ids_are_refused(en_desk, officer, station):
    desk = en_desk
    data = desk_export(desk)
    year = timezone.localdate().year
    voided = VisitLog.objects.filter(station=station, date__year=year).order_by("id").first()
    stranger = VisitLog.objects.exclude(station=station).first()
    foreign_pm = PracticalMatter.objects.exclude(station=station).first()
    services.record_void(by=officer, record=voided, reason="duplicate")

    def rename(wb):
        v = sheet_of(wb, ledger.VISITS)
        v.append([stranger.pk, f"{year}-01-05", 1, "", "", "", "", ""])
        v.append([99999999, f"{year}-01-05", 1, "", "", "", "", ""])
        p = sheet_of(wb, ledger.PRACTICAL)
        p.cell(2, 1).value = foreign_pm.pk

    changed = edit(data, rename)
    before = db_state(station)
    preview = desk_preview(desk, changed)
    assert preview.status_code == 400
    errors = {(e.sheet, e.row): e.message for e in preview.context["result"].errors}
    v = sheet_of(load_workbook(io.BytesIO(changed), read_only=True), ledger.VISITS)
    voided_row = row_of(v, voided.pk)
    assert "voided" in errors[("visits", voided_row)] and "restored" in errors[("visits", voided_row)]
    rows = data_rows(changed)["visits"] + 1
    assert errors[("visits", rows - 1)] == f"No record of this station has the id {stranger.pk}."
    assert errors[("visits", rows)] == "No record of this station has the id 99999999."
    assert ("practical_matters", 2) in errors
    assert len(errors) == 4
    assert db_state(station) == before
    stranger.refresh_from_db()
    assert stranger.people_count >= 1 and stranger.station_id != station.pk


def test_opinions_keep_their_workflow(en_desk, officer, station):
    desk = en_desk
    year = timezone.localdate().year
    opinions = Opinion.objects.filter(station=station, received_at__year=year)
    open_one = services.opinion_create(
        by=officer, station=station, channel="visit", content="楼道灯坏了", citizen_name="张三",
        received_at=timezone.now() - datetime.timedelta(hours=2),
    ).opinion  # fmt: skip
    handled = opinions.exclude(status__in=services.OPINION_CORRECTABLE).first()
    assert open_one and handled
    data = desk_export(desk)
    count = Opinion.all_objects.filter(station=station).count()

    def change(wb):
        ws = sheet_of(wb, ledger.OPINIONS)
        ws.cell(row_of(ws, open_one.pk), col(ledger.OPINIONS, "content")).value = open_one.content + "（补充）"
        h = row_of(ws, handled.pk)
        ws.cell(h, col(ledger.OPINIONS, "content")).value = handled.content + "（改）"
        ws.cell(h, col(ledger.OPINIONS, "status")).value = "closed" if handled.status != "closed" else "answered"

    result = desk_preview(desk, edit(data, change)).context["result"]
    errors = {(e.row, e.column): e.message for e in result.errors}
    ws = sheet_of(load_workbook(io.BytesIO(data), read_only=True), ledger.OPINIONS)
    h = row_of(ws, handled.pk)
    assert set(errors) == {(h, "content"), (h, "status")}
    assert "workflow" in errors[(h, "content")] and "workflow" in errors[(h, "status")]
    assert result.sheets["opinions"].updated == 1

    def only_open(wb):
        ws = sheet_of(wb, ledger.OPINIONS)
        ws.cell(row_of(ws, open_one.pk), col(ledger.OPINIONS, "content")).value = open_one.content + "（补充）"
        ws.cell(row_of(ws, open_one.pk), 1).value = None  # matched by its tracking code instead

    preview = desk_preview(desk, edit(data, only_open))
    assert preview.context["result"].updated == 1, [e.message for e in preview.context["result"].errors]
    assert desk_save(desk, preview).context["result"].saved
    open_one.refresh_from_db()
    assert open_one.content.endswith("（补充）") and open_one.status in services.OPINION_CORRECTABLE
    assert open_one.events.filter(action=OpinionEvent.Action.CORRECT, actor=officer).exists()
    assert Opinion.all_objects.filter(station=station).count() == count  # matched, not added


def test_api_refuses_bad_files_other_areas_and_roles(login_api, officer, demo_user, station, monkeypatch):
    api = login_api(officer)
    url = f"/api/v1/stations/{CODE}/ledger/"
    with monkeypatch.context() as patch:
        patch.setattr(ledger, "MAX_FILE_BYTES", 8)
        big = api.post(url, {"file": io.BytesIO(b"0123456789")}, format="multipart")
    assert big.status_code == 400 and "larger than" in big.json()["errors"][0]["message"]
    assert big.json()["detail"] and big.json()["created"] == 0
    junk = api.post(url, {"file": io.BytesIO(b"not a workbook")}, format="multipart")
    assert junk.status_code == 400 and "xlsx" in junk.json()["errors"][0]["message"]
    other = Workbook()
    other.active.title = "Sheet1"
    out = io.BytesIO()
    other.save(out)
    wrong = api.post(url, {"file": io.BytesIO(out.getvalue())}, format="multipart")
    assert wrong.status_code == 400 and "not a station ledger" in wrong.json()["errors"][0]["message"]
    assert api.post(url, {}, format="multipart").status_code == 400
    assert api.get(f"/api/v1/stations/{CODE}/ledger.xlsx?year=abc").status_code == 400
    assert api.get("/api/v1/stations/YL-002/ledger.xlsx").status_code == 404
    assert api.post("/api/v1/stations/YL-002/ledger/", {"file": io.BytesIO(out.getvalue())}).status_code == 404
    deputy = login_api(demo_user("deputy"))
    assert deputy.get(f"/api/v1/stations/{CODE}/ledger.xlsx").status_code == 403
    from rest_framework.test import APIClient

    assert APIClient().get(f"/api/v1/stations/{CODE}/ledger.xlsx").status_code in (401, 403)
    # the stations viewset still answers its own paths
    assert api.get(f"/api/v1/stations/{CODE}/").status_code == 200


def test_headers_of_every_language_name_one_column():
    for sheet in ledger.SHEETS:
        aliases = {}
        for column in sheet.columns:
            names = {column.key, *column.aliases, *ledger._in_every_language(column.label)}
            if column.legacy:
                names |= {column.legacy, *column.legacy.split(" ", 1)}
            for name in names:
                key = ledger._norm(name)
                assert aliases.setdefault(key, column.key) == column.key, (sheet.key, name)


def test_choice_values_in_any_language():
    """A status written as its code or its label in either language is the same value; so is yes/no."""
    statuses = ledger.Choices(OpinionStatus.choices)
    with translation.override("zh-hans"):
        chinese = str(OpinionStatus.IN_PROGRESS.label)
    assert statuses.parse("in_progress") == statuses.parse("In progress") == statuses.parse(chinese) == "in_progress"
    assert ledger.YesNo().parse("是") is True and ledger.YesNo().parse("no") is False
