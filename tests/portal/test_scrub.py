"""Personal data never public by accident: staff text on public pages is scrubbed of phone numbers in every
common writing, ID numbers and the citizen's own name (``core.privacy.scrub``); staff are warned when they type
one. Dates and amounts are left alone."""

import pytest
from django.utils import timezone

from activities.models import Activity
from core.privacy import has_personal_data, scrub, scrub_text
from stations.models import Station
from visits import services
from visits.models import Opinion, ResponsibleUnit

pytestmark = pytest.mark.django_db

PHONES = ["138-1234-5678", "138 1234 5678", "+8613812345678", "13812345678"]
ID_NUMBER = "43010419900307123X"


# --- the scrubber ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("电话13812345678", "电话138****5678"),
        ("138-1234-5678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("+8613812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("+86-138-1234-5678。", "138****5678。"),
        ("0086 13812345678", "138****5678"),
        ("请拨0731-88888888咨询", "请拨0731-****8888咨询"),
        ("(0731)88888888", "0731-****8888"),
        ("（0731）88888888", "0731-****8888"),
        ("0731 8888 8888", "0731-****8888"),
        ("身份证号43010419900307123X。", "身份证号430104********123X。"),
        ("身份证号430104199003071234", "身份证号430104********1234"),
        ("邮箱 wang.li@example.cn", "邮箱 w***@example.cn"),
    ],
)
def test_phone_id_and_email_are_masked_in_every_common_writing(text, expected):
    assert scrub(text) == expected
    assert scrub_text(text) == expected  # the old name keeps working


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-02 已答复",
        "2026年12月02日 09:30-11:30",
        "投入资金1,234,567元",
        "共 12345678 元",  # eight digits without an area code are no phone
        "1234567.89",
        "第138号文件",
        "138123456789012",  # longer than a mobile number
        "A0731-88888888",  # part of a reference, not a landline
        "12345678901",  # not a mainland mobile prefix
        "2025-014号建议",
        "",
    ],
)
def test_dates_amounts_and_other_numbers_are_not_masked(text):
    assert scrub(text) == text
    assert not has_personal_data(text)


def test_the_citizens_name_is_masked_in_full_or_as_family_and_given_name():
    assert scrub("张三同志反映的问题", names=["张三"]) == "张*同志反映的问题"
    assert scrub("张 三同志", names=["张三"]) == "张*同志"
    assert scrub("欧阳·娜娜：已处理", names=["欧阳娜娜"]) == "欧***：已处理"
    assert scrub("Dear wang  li, done", names=["Wang Li"]) == "Dear W*****, done"
    assert scrub("张三丰", names=["张"]) == "张三丰"  # a lone character is no name to hunt for
    assert scrub("张三", names=["", None]) == "张三"
    assert scrub(None) == ""


def test_warning_helper_sees_phones_and_ids_only():
    assert has_personal_data("请联系138 1234 5678")
    assert has_personal_data(f"证件{ID_NUMBER}")
    assert has_personal_data("0731-88888888")
    assert not has_personal_data("2026-12-02 答复，金额1,234,567元")


# --- the tracking page -------------------------------------------------------------------------------------------


@pytest.fixture
def answered(demo_user, client):
    """An opinion from 张三, answered at the desk with phone numbers, an ID number and the name in the text."""
    county = demo_user("county")
    station = Station.objects.get(code="YL-001")
    opinion = services.opinion_create(
        by=None, station=station, channel=Opinion.Channel.ONLINE, content="路灯不亮", citizen_name="张三"
    ).opinion
    services.opinion_transition(opinion=opinion, action="register", by=county)
    services.opinion_transition(opinion=opinion, action="assign", by=county, unit=ResponsibleUnit.objects.first())
    services.opinion_transition(opinion=opinion, action="start", by=county)
    answer = (
        f"张三您好：已修复。联系人电话 {PHONES[0]}、{PHONES[1]}、{PHONES[2]}、{PHONES[3]}，"
        f"身份证 {ID_NUMBER}。张 三如有疑问请于2026-12-02前来电，补助1,234,567元。"
    )
    client.force_login(county)
    response = client.post(
        f"/desk/opinions/{opinion.pk}/transition/", {"action": "answer", "answer": answer}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    client.logout()
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.ANSWERED and opinion.answer == answer  # saved as typed
    return opinion, response


def test_the_tracking_page_shows_the_answer_masked(client, answered):
    opinion, _response = answered
    body = client.get(f"/track/{opinion.tracking_code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for phone in PHONES:
        assert phone not in body
    assert "13812345678" not in body and "1234 5678" not in body
    assert body.count("138****5678") >= 4
    assert ID_NUMBER not in body and "430104********123X" in body
    assert "张三" not in body and "张 三" not in body and "张*您好" in body and "张*如有疑问" in body
    assert "2026-12-02" in body and "1,234,567" in body


def test_staff_are_warned_but_the_answer_is_saved(client, answered):
    _opinion, response = answered
    from django.contrib.messages import get_messages

    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("masked" in t for t in texts), texts


def test_activity_summaries_are_masked_on_the_station_pages(client, demo_user):
    station = Station.objects.get(code="YL-001")
    today = timezone.localdate()
    staff = client
    staff.force_login(demo_user("officer"))
    response = staff.post(
        "/desk/activities/",
        {"kind": "training", "date": today.isoformat(), "title": "培训", "people_reached": 3,
         "summary": f"报名电话 {PHONES[1]}，身份证 {ID_NUMBER}，2026-12-02 举办"},
        HTTP_ACCEPT_LANGUAGE="en", follow=True,
    )  # fmt: skip
    assert response.status_code == 200 and "masked" in response.content.decode()
    assert Activity.objects.filter(station=station, summary__contains=PHONES[1]).exists()  # saved as typed
    staff.logout()
    body = client.get(f"/stations/YL-001/activities/?year={today.year}").content.decode()
    assert PHONES[1] not in body and "138****5678" in body
    assert ID_NUMBER not in body and "430104********123X" in body
