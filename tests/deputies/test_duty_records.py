"""The duty record (履职档案): computed exactly from the records, with a fixed number of queries; the deputy's
desk; who may see whose record; the PDF (Chinese text extracted) and Excel downloads."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role
from activities.models import Activity, DutyReport
from core import pdf
from deputies.models import Deputy
from notices.models import InboxMessage
from reports.duty_records import DUTY_RECORD_FIELDS, duty_record
from stations.models import Area, ReceptionDay
from suggestions.models import Suggestion
from tests.accounts.factories import UserFactory
from tests.stations.factories import MembershipFactory, StationFactory
from visits.models import Opinion, Outreach, VisitLog

pytestmark = pytest.mark.django_db

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def world():
    """Deputy 欧阳娜娜 (with an account) and a colleague at a test station, with records in 2024, 2025 and 2026."""
    # In the demo county (so county staff reach it), in the last township (not the demo street account's).
    station = StationFactory(code="TS-REC", area=Area.objects.get(code="430104019"))
    me = MembershipFactory(station=station, deputy__name="欧阳娜娜").deputy
    me.user = UserFactory(username="t-ouyang", role=Role.DEPUTY)
    me.save()
    colleague = MembershipFactory(station=station, deputy__name="司马光明").deputy

    def day(on, status="held", duty=(me,), **extra):
        reason = "原因" if status in ("moved", "cancelled") else ""
        scheduled = extra.pop("scheduled", on)
        rd = ReceptionDay.objects.create(
            station=station, scheduled_date=scheduled, date=on, status=status, change_reason=reason, **extra
        )
        rd.duty_deputies.set(duty)
        return rd

    r1 = day(D(2025, 3, 28), duty=(me, colleague))
    r2 = day(D(2025, 4, 28))
    day(D(2025, 5, 28), status="cancelled")
    r4 = day(D(2025, 6, 27), status="moved", scheduled=D(2025, 6, 28), original_date=D(2025, 6, 28))
    r5 = day(D(2024, 12, 28))
    day(D(2025, 7, 28), duty=(colleague,))

    def log(on, people, deputies, reception_day=None):
        v = VisitLog.objects.create(station=station, date=on, reception_day=reception_day, people_count=people)
        v.deputies.set(deputies)

    log(D(2025, 3, 28), 3, [me], r1)
    log(D(2025, 4, 28), 2, [colleague], r2)  # on duty but not among those who received: not attended
    log(D(2025, 6, 27), 4, [me, colleague], r4)
    log(D(2025, 7, 2), 5, [me])  # not a reception day: people received, no attendance
    log(D(2024, 12, 28), 9, [me], r5)
    for on, people in ((D(2025, 2, 1), 10), (D(2025, 9, 9), 20), (D(2024, 5, 5), 7)):
        Outreach.objects.create(deputy=me, station=station, date=on, place="小区", people_count=people)
    for n, moment in enumerate((datetime.datetime(2025, 1, 1, 0, 30), datetime.datetime(2025, 8, 1, 10),
                                datetime.datetime(2024, 12, 31, 23, 30))):  # fmt: skip
        Opinion.objects.create(station=station, channel="visit", content="意见", tracking_code=f"TREC{n}",
                               deputy=me, received_at=moment.replace(tzinfo=SHANGHAI))  # fmt: skip

    def suggestion(year, lead, cosigners=()):
        s = Suggestion.objects.create(lead_deputy=lead, year=year, title="建议", content="c", category="livelihood",
                                      filed_on=D(year, 1, 8), station=station)  # fmt: skip
        s.co_signers.set(cosigners)

    suggestion(2025, me)
    suggestion(2025, colleague, [me])
    suggestion(2025, colleague, [me])
    suggestion(2026, me)
    for on in (D(2025, 2, 2), D(2025, 5, 5), D(2025, 11, 11), D(2024, 3, 3)):
        a = Activity.objects.create(station=station, kind="research", date=on, title=f"调研{on}")
        a.deputies.set([me])
    DutyReport.objects.create(station=station, deputy=me, date=D(2025, 12, 20), audience=50)
    return {"station": station, "me": me, "colleague": colleague}


EXPECTED_2025 = {
    "duty_days": 3,  # 28 Mar, 28 Apr, 27 Jun (moved); the cancelled day and 2024 do not count
    "attended_days": 2,  # 28 Mar and 27 Jun: listed in the day's visit log
    "people_received": 12,  # 3 + 4 + 5
    "outreach_people": 30,
    "opinions_gathered": 2,  # 1 Jan 00:30 Shanghai is 2025; 31 Dec 2024 23:30 is not
    "suggestions_led": 1,
    "suggestions_cosigned": 2,
    "activities": 3,
    "duty_reports": 1,
}


def test_the_record_is_computed_from_the_data(world, django_assert_num_queries):
    with django_assert_num_queries(3):  # the record, the mandates, the current stations
        record = duty_record(deputy_id=world["me"].pk, year=2025)
    assert record.values == EXPECTED_2025
    assert record.suggestions == 3 and [s.code for s in record.stations] == ["TS-REC"]
    assert [key for key, _label in DUTY_RECORD_FIELDS] == list(EXPECTED_2025)
    colleague = duty_record(deputy_id=world["colleague"].pk, year=2025).values
    # On duty on 28 Mar (the log lists only 欧阳娜娜) and 28 Jul (no log): attended none; received 2 + 4.
    assert colleague["duty_days"] == 2 and colleague["attended_days"] == 0 and colleague["people_received"] == 6
    assert colleague["suggestions_led"] == 2 and colleague["suggestions_cosigned"] == 0


def test_the_record_list_is_one_query_for_the_whole_page(client, demo_user, world, django_assert_max_num_queries):
    client.force_login(demo_user("county"))
    sizes = []
    for query in ("?year=2025&station=TS-REC", "?year=2025"):
        with django_assert_max_num_queries(9) as captured:
            response = client.get(f"/desk/deputies/{query}")
        assert response.status_code == 200
        sizes.append((len(response.context["rows"]), len(captured)))
    assert sizes[0][0] == 2 and sizes[1][0] == 50
    assert sizes[0][1] == sizes[1][1]  # same number of queries for 2 rows and for 50
    html = client.get("/desk/deputies/?year=2025&station=TS-REC").content.decode()
    assert "欧阳娜娜" in html and "司马光明" in html


def test_a_deputy_sees_their_desk_and_only_their_own_record(client, world):
    me, colleague = world["me"], world["colleague"]
    InboxMessage.objects.create(user=me.user, station=world["station"], title="接待日提醒：3月28日")
    ReceptionDay.objects.create(station=world["station"], scheduled_date=D(2099, 1, 28), date=D(2099, 1, 28))
    ReceptionDay.objects.get(date=D(2099, 1, 28)).duty_deputies.add(me)
    client.force_login(me.user)
    desk = client.get("/desk/?year=2025")
    html = desk.content.decode()
    assert desk.status_code == 200 and "欧阳娜娜" in html
    assert "TS-REC" in html or world["station"].name in html
    assert "2099-01-28" in html  # next duty day
    assert "接待日提醒：3月28日" in html  # the inbox
    assert desk.context["record"].values == EXPECTED_2025
    assert client.get(f"/desk/deputies/{me.pk}/record/?year=2025").status_code == 200
    for url in (
        f"/desk/deputies/{colleague.pk}/record/",
        f"/desk/deputies/{colleague.pk}/record.pdf",
        f"/desk/deputies/{colleague.pk}/record.xlsx",
    ):
        assert client.get(url).status_code == 404, url
    for url in ("/desk/deputies/", "/desk/surveys/"):  # staff pages: a role refusal
        assert client.get(url).status_code == 403, url


def test_staff_see_records_within_their_scope(client, demo_user, world):
    client.force_login(demo_user("county"))
    assert client.get(f"/desk/deputies/{world['me'].pk}/record/").status_code == 200
    client.force_login(demo_user("street"))
    assert client.get(f"/desk/deputies/{world['me'].pk}/record/").status_code == 404
    inside = Deputy.objects.filter(memberships__station__code="YL-002").first()
    assert client.get(f"/desk/deputies/{inside.pk}/record/").status_code == 200
    client.force_login(demo_user("officer"))
    assert client.get(f"/desk/deputies/{inside.pk}/record/").status_code == 404
    assert client.get("/desk/deputies/").status_code == 200


def test_the_demo_deputy_has_a_record_at_yl001(client, demo_user):
    client.force_login(demo_user("deputy"))
    response = client.get("/desk/?year=2025")
    record = response.context["record"]
    assert [s.code for s in record.stations] == ["YL-001"]
    assert record.values["activities"] > 0 and record.values["duty_reports"] == 1
    assert record.values["suggestions_led"] >= 1 and record.values["duty_days"] > 0


def test_the_pdf_renders_the_chinese_name(client, world):
    client.force_login(world["me"].user)
    response = client.get(f"/desk/deputies/{world['me'].pk}/record.pdf?year=2025")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "欧阳娜娜" in text and "2025" in text
    assert "调研2025-02-02" in text  # the activities table
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any(pdf.cjk_font() in name for name in fonts)


def test_the_cjk_font_is_embedded_when_the_font_package_is_installed():
    pytest.importorskip("paperang_p2_fonts_cjk")
    assert pdf.cjk_font() == pdf.EMBEDDED_FONT
    data = pdf.render(title="测试", blocks=[pdf.KeyValues([("姓名", "龘靐齉")])])
    reader = PdfReader(io.BytesIO(data))
    assert "龘靐齉" in reader.pages[0].extract_text()
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    descriptors = [f["/FontDescriptor"].get_object() for f in fonts if "/FontDescriptor" in f]
    assert descriptors and all("/FontFile2" in d for d in descriptors)  # embedded TrueType


def test_the_excel_download(client, demo_user, world):
    client.force_login(demo_user("county"))
    response = client.get(f"/desk/deputies/{world['me'].pk}/record.xlsx?year=2025")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    values = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
    assert "欧阳娜娜" in values and 12 in values and 30 in values
    assert len(book.worksheets) == 5


def test_an_unknown_year_falls_back_to_this_year(client, world):
    client.force_login(world["me"].user)
    response = client.get("/desk/?year=1999")
    assert response.context["year"] == timezone.localdate().year
