"""Demo deputies' work: suggestions with their handling, activities, yearly activity plans, duty reports and the
year-end satisfaction surveys.

Calendar year 2025 over the 41 stations YL-001…YL-041 matches the seed newsletter: 13 development, 33
livelihood and 5 rural suggestions (topics as the seed lists them), more than 310 activities of every kind (each
station at least one a quarter, except a few deliberate gaps the evaluation should find), yearly plans (most
published by 31 January, some late, a few never), duty reports at year end and one survey per station with
exactly 1,276 ballots, mostly satisfied. 2026 gets plausible records up to today. ``--scale`` copies repeat the
pattern with their own draws.

Deterministic (string-seeded ``random.Random`` per station and year, so what one station gets never depends on
another or on what is already stored) and idempotent: suggestions are keyed by (year, number), activities by
(station, date, title), plans and surveys by (station, year), duty reports by (station, deputy, date); only
missing ones are inserted, in bulk.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from activities.models import Activity, ActivityKind, ActivityPlan, ActivityPlanItem, DutyReport
from deputies.models import Deputy
from stations.models import Membership, Station, StationStaff
from suggestions.models import Suggestion, SuggestionEvent
from suggestions.services import ANSWER_MONTHS, MAX_EXTENSION_MONTHS, RETURN_MONTHS, add_months
from surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from surveys.services import hash_phone
from visits.models import Opinion, ResponsibleUnit

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = "deputies-work-2606"
BASE_STATIONS = 41
YEAR = 2025
SUGGESTIONS_2025 = {"development": 13, "livelihood": 33, "rural": 5}
SUGGESTIONS_2026 = {"development": 15, "livelihood": 30, "rural": 6}
SURVEY_BALLOTS_2025 = 1276
SESSIONS = {2025: "岳麓区第四届人民代表大会第五次会议", 2026: "岳麓区第四届人民代表大会第六次会议"}
SESSION_DAYS = {2025: datetime.date(2025, 1, 8), 2026: datetime.date(2026, 1, 7)}

# Station offsets (0-based within the 41) with quarters that have no activity, so the evaluation finds gaps.
ACTIVITY_GAPS = {
    2025: {11: {3}, 26: {2}, 34: {1}, 32: {1, 2}, 18: {3}},
    2026: {6: {2}, 21: {1}, 34: {3}},
}
# Plans: offsets with no plan at all, and offsets published late (days after 31 January).
PLANS_NONE = {2025: {11, 26, 34}, 2026: {32, 34}}
PLANS_LATE = {2025: {5: 12, 14: 25, 19: 40, 28: 51, 32: 68}, 2026: {11: 9, 26: 33, 36: 75}}
NO_STATION_REPORT_2025 = {26, 34}

CAMPAIGNS = ["聚力强省会·代表新作为"] * 7 + ["三个一"] * 3 + ["双联"] * 2 + [""] * 8

# category → [(topic, opinion categories it may grow from, title templates, handling units)]
TOPICS = {
    "development": [
        (
            "营商环境",
            ["营商环境"],
            ["关于进一步优化{street}营商环境的建议", "关于推行涉企事项“一件事一次办”的建议"],
            ["区发展和改革局", "区市场监督管理局"],
        ),
        (
            "产业融合",
            ["营商环境", "就业创业"],
            ["关于推动金融与科技产业融合发展的建议", "关于促进文旅与商贸融合发展的建议"],
            ["区商务局", "区文化旅游体育局"],
        ),
        (
            "中小企业纾困",
            ["营商环境"],
            ["关于加大中小企业融资支持力度的建议", "关于为中小微企业减负纾困的建议"],
            ["区工业和信息化局", "区财政局"],
        ),
    ],
    "livelihood": [
        (
            "交通管理",
            ["交通出行"],
            [
                "关于治理{road}高峰时段交通拥堵的建议",
                "关于在英才园小区周边道路设置交通护栏的建议",
                "关于优化村组公交线路的建议",
            ],
            ["长沙市公安局交通警察支队岳麓大队", "区交通运输局", "长沙市公共交通集团"],
        ),
        (
            "基层医疗",
            ["医疗卫生"],
            ["关于推进望月湖医养融合项目建设的建议", "关于提升社区卫生服务中心服务能力的建议"],
            ["区卫生健康局", "区医疗保障局"],
        ),
        (
            "小区提质",
            ["住房与小区", "城市管理"],
            [
                "关于加快云麓园社区老旧小区改造的建议",
                "关于完善西湖公园及望麓桥桥底路灯照明的建议",
                "关于加强城市公厕规划建设管理的建议",
            ],
            ["区住房和城乡建设局", "区城市更新事务中心", "区城市管理和综合执法局"],
        ),
        (
            "人才培养",
            ["就业创业", "教育"],
            ["关于加强创新人才引进培养的建议", "关于完善高校毕业生留岳麓就业支持政策的建议"],
            ["区人力资源和社会保障局", "区教育局"],
        ),
    ],
    "rural": [
        (
            "小微水体整治",
            ["乡村振兴", "环境保护"],
            ["关于推进龙王港流域水环境综合整治的建议", "关于开展村组山塘小微水体整治的建议"],
            ["区水利局", "长沙市生态环境局岳麓分局"],
        ),
        (
            "特色农业品牌",
            ["乡村振兴"],
            ["关于打造{street}特色农业品牌的建议", "关于支持农产品区域公用品牌建设的建议"],
            ["区农业农村局"],
        ),
    ],
}
ROADS = ["枫林一路", "岳麓大道", "银盆南路", "麓山路", "桐梓坡路"]

ACTIVITY_KINDS = [
    (ActivityKind.INSPECTION, 12),
    (ActivityKind.RESEARCH, 17),
    (ActivityKind.SUGGESTION_SUPERVISION, 9),
    (ActivityKind.PUBLICITY, 19),
    (ActivityKind.STUDY_EXCHANGE, 14),
    (ActivityKind.POLICY_DELIVERY, 8),
    (ActivityKind.PUBLIC_SERVICE, 14),
    (ActivityKind.TRAINING, 7),
]
ACTIVITY_TITLES = {
    "inspection": ["视察{place}老旧小区改造进展", "视察{place}河道整治工程", "视察辖区重点民生项目建设"],
    "research": ["就{topic}开展专题调研", "走进{place}调研基层治理工作", "围绕{topic}召开调研座谈会"],
    "suggestion_supervision": ["督办“{topic}”代表建议办理情况", "代表建议办理“回头看”", "跟踪督办{topic}相关建议"],
    "publicity": ["宣讲党的二十届四中全会精神", "《湖南省乡镇人民代表大会工作条例》宣讲", "法治宣传进{place}"],
    "study_exchange": ["代表履职学习交流会", "赴兄弟联络站学习交流", "学习新修改的代表法"],
    "policy_delivery": ["送政策进企业：惠企政策解读会", "产销对接暨惠企政策宣讲", "助企纾困政策面对面"],
    "public_service": ["律师代表公益法律咨询", "医生代表义诊进{place}", "自建房安全排查志愿服务"],
    "training": ["代表履职能力培训", "联络站联络员业务培训", "民意收集与反馈工作培训"],
    "duty_report": ["{year}年度代表述职暨满意度测评"],
}
ACTIVITY_SUMMARY = {
    "inspection": "代表实地察看项目现场，听取情况汇报，提出改进意见。",
    "research": "代表深入一线走访群众和企业，形成调研报告报区人大常委会。",
    "suggestion_supervision": "代表与承办单位面对面沟通，跟踪建议办理进度和落实效果。",
    "publicity": "代表向群众宣讲政策法规，现场解答群众关心的问题。",
    "study_exchange": "代表交流履职经验，学习法律法规和兄弟站点做法。",
    "policy_delivery": "相关部门向企业解读惠企政策，现场为企业解惑答疑。",
    "public_service": "代表发挥专业特长，为群众提供免费服务。",
    "training": "邀请区人大常委会联工委同志授课，提升履职能力。",
    "duty_report": "站点报告年度运行情况，代表报告个人履职情况，选民现场测评。",
}
PEOPLE = {
    "inspection": (8, 25),
    "research": (8, 35),
    "suggestion_supervision": (6, 20),
    "publicity": (30, 150),
    "study_exchange": (10, 40),
    "policy_delivery": (12, 60),
    "public_service": (20, 120),
    "training": (15, 60),
    "duty_report": (40, 120),
}
BUSINESS_KINDS = {"industry_chain", "park", "enterprise"}
RATING_WEIGHTS = [("very_satisfied", 52), ("satisfied", 36), ("basically_satisfied", 9), ("not_satisfied", 3)]
SUPERVISED_PER_YEAR = 6
STATUS_DAYS = {"assign": (7, 20), "answer": (40, 85), "assess": (5, 25), "close": (5, 30)}


def _rng(*parts) -> random.Random:
    return random.Random(":".join(str(p) for p in (SEED, *parts)))


def _weighted(rng: random.Random, pairs):
    return rng.choices([v for v, _w in pairs], weights=[w for _v, w in pairs])[0]


def _at(day: datetime.date, rng: random.Random, start: int = 9, end: int = 17) -> datetime.datetime:
    minute = rng.randrange((end - start) * 60)
    return datetime.datetime.combine(day, datetime.time(start + minute // 60, minute % 60), tzinfo=SHANGHAI)


def _workday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _allocate(total: int, n: int, rng: random.Random, spread: float = 0.45) -> list[int]:
    """``n`` positive integers summing to ``total``, varying by about ``spread`` around the mean."""
    weights = [1 + rng.uniform(-spread, spread) for _ in range(n)]
    raw = [total * w / sum(weights) for w in weights]
    out = [max(1, int(x)) for x in raw]
    i = 0
    while sum(out) != total:
        j = i % n
        if sum(out) < total:
            out[j] += 1
        elif out[j] > 1:
            out[j] -= 1
        i += 1
    return out


class World:
    """What the step reads once: stations by copy, residents, units, opinions and the demo deputy."""

    def __init__(self, today: datetime.date):
        self.today = today
        self.stations = list(Station.objects.order_by("code").select_related("area", "street"))
        self.residents: dict[int, list[int]] = defaultdict(list)
        for station_id, deputy_id in (
            Membership.objects.current().order_by("deputy_id").values_list("station_id", "deputy_id")
        ):
            self.residents[station_id].append(deputy_id)
        self.units = dict(ResponsibleUnit.objects.filter(is_active=True).values_list("name", "pk"))
        self.any_unit = next(iter(sorted(self.units.values())), None)
        self.demo_deputy = Deputy.objects.filter(user__username="deputy").values_list("pk", flat=True).first()
        self.county_user = User.objects.filter(username="county").values_list("pk", flat=True).first()
        self.officers = dict(
            StationStaff.objects.filter(role=StationStaff.Role.OFFICER, until__isnull=True).values_list(
                "station_id", "user_id"
            )
        )
        self.opinions: dict[int, list[tuple]] = defaultdict(list)
        for pk, station_id, received_at, category in Opinion.objects.order_by("received_at", "pk").values_list(
            "pk", "station_id", "received_at", "category"
        ):
            self.opinions[station_id].append((pk, received_at, category))

    def copies(self):
        for copy in range(0, len(self.stations), BASE_STATIONS):
            yield copy // BASE_STATIONS, self.stations[copy : copy + BASE_STATIONS]

    def pool(self, station: Station) -> list[int]:
        return self.residents.get(station.pk, [])


# --- activities -------------------------------------------------------------------------------------------------


def _quarter_days(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * quarter - 2, 1)
    last = datetime.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - datetime.timedelta(1)
    return first, last


def _fill(template: str, rng: random.Random, station: Station, year: int) -> str:
    place = rng.choice([station.area.name if station.area_id else "", station.street.name if station.street else ""])
    topic = rng.choice([t for ts in TOPICS.values() for t, *_rest in ts])
    return template.format(place=place or station.name[:4], topic=topic, year=year)


def plan_activities(world: World, station: Station, offset: int, year: int) -> list[dict]:
    """Activities of one station and year: 1–3 a quarter (none in a gap quarter), a year-end duty report in
    December; in the current year only what has happened by today."""
    rng = _rng("activities", station.code, year)
    gaps = ACTIVITY_GAPS.get(year, {}).get(offset, set())
    pool = world.pool(station)
    rows = []
    business = station.kind in BUSINESS_KINDS
    for quarter in range(1, 5):
        first, last = _quarter_days(year, quarter)
        count = _weighted(rng, [(1, 35), (2, 45), (3, 20)])
        for n in range(count):
            kinds = ACTIVITY_KINDS + ([(ActivityKind.POLICY_DELIVERY, 14)] if business else [])
            kind = _weighted(rng, kinds)
            day = _workday(first + datetime.timedelta(days=rng.randrange((last - first).days - 3)))
            title = _fill(rng.choice(ACTIVITY_TITLES[kind]), rng, station, year)
            lo, hi = PEOPLE[kind]
            people = rng.randint(lo, hi)
            k = min(len(pool), rng.randint(2, 6))
            deputies = rng.sample(pool, k) if k else []
            campaign = rng.choice(CAMPAIGNS)
            if quarter in gaps or day > world.today:
                continue
            if world.demo_deputy in pool and world.demo_deputy not in deputies and n == 0:
                deputies.append(world.demo_deputy)
            if any(r["date"] == day and r["title"] == title for r in rows):
                continue  # the same title twice on one day: keep one
            rows.append(_activity_row(station, kind, day, title, people, campaign, deputies))
    # The year-end duty report meeting (述职), where the survey is handed out.
    day = _workday(datetime.date(year, 12, 10) + datetime.timedelta(days=rng.randrange(12)))
    people = rng.randint(*PEOPLE["duty_report"])
    reporters = rng.sample(pool, min(len(pool), rng.randint(2, 5)))
    if world.demo_deputy in pool and world.demo_deputy not in reporters:
        reporters.append(world.demo_deputy)
    if day <= world.today:
        title = ACTIVITY_TITLES["duty_report"][0].format(year=year)
        rows.append(_activity_row(station, "duty_report", day, title, people, "", reporters))
    return rows


def _activity_row(station, kind, day, title, people, campaign, deputies) -> dict:
    return {
        "station_id": station.pk,
        "kind": str(kind),
        "date": day,
        "title": title[:200],
        "people_reached": people,
        "campaign": campaign if kind != "duty_report" else "",
        "summary": ACTIVITY_SUMMARY[str(kind)],
        "deputies": deputies,
    }


def insert_activities(rows: list[dict]) -> int:
    existing = set(Activity.objects.values_list("station_id", "date", "title"))
    new = [r for r in rows if (r["station_id"], r["date"], r["title"]) not in existing]
    Activity.objects.bulk_create(
        [Activity(**{k: v for k, v in r.items() if k != "deputies"}) for r in new], batch_size=1000
    )
    ids = {
        (s, d, t): pk
        for pk, s, d, t in Activity.objects.filter(date__year__in={r["date"].year for r in new} or {0}).values_list(
            "pk", "station_id", "date", "title"
        )
    }
    Through = Activity.deputies.through
    Through.objects.bulk_create(
        [
            Through(activity_id=ids[(r["station_id"], r["date"], r["title"])], deputy_id=d)
            for r in new
            for d in dict.fromkeys(r["deputies"])
        ],
        batch_size=2000,
    )
    return len(new)


# --- plans ------------------------------------------------------------------------------------------------------


def plan_activity_plan(world: World, station: Station, offset: int, year: int):
    """(plan, items) of one station and year, or None: most published in January, some late, a few never."""
    rng = _rng("plan", station.code, year)
    if offset in PLANS_NONE.get(year, set()):
        return None
    late = PLANS_LATE.get(year, {}).get(offset)
    day = (
        datetime.date(year, 1, 31) + datetime.timedelta(days=late)
        if late
        else datetime.date(year, 1, rng.randint(3, 31))
    )
    items = []
    for quarter in range(1, 5):
        kind = _weighted(rng, ACTIVITY_KINDS)
        items.append(
            {
                "quarter": quarter,
                "kind": str(kind),
                "title": _fill(rng.choice(ACTIVITY_TITLES[kind]), rng, station, year),
            }
        )
    for month in sorted(rng.sample(range(2, 12), rng.randint(2, 4))):
        kind = _weighted(rng, ACTIVITY_KINDS)
        items.append(
            {"month": month, "kind": str(kind), "title": _fill(rng.choice(ACTIVITY_TITLES[kind]), rng, station, year)}
        )
    items.append({"month": 12, "kind": "duty_report", "title": ACTIVITY_TITLES["duty_report"][0].format(year=year)})
    published_at = _at(day, rng) if day <= world.today else None
    plan = ActivityPlan(
        station_id=station.pk,
        year=year,
        title=f"{station.name}{year}年度活动计划",
        notes="每季度至少开展一次进站活动，每月28日为固定接待日。",
        published_at=published_at,
    )
    return plan, items


def insert_plans(plans) -> int:
    existing = set(ActivityPlan.objects.values_list("station_id", "year"))
    new = [(p, items) for p, items in plans if (p.station_id, p.year) not in existing]
    ActivityPlan.objects.bulk_create([p for p, _items in new], batch_size=500)
    ids = {
        (s, y): pk
        for pk, s, y in ActivityPlan.objects.filter(year__in={p.year for p, _i in new} or {0}).values_list(
            "pk", "station_id", "year"
        )
    }
    ActivityPlanItem.objects.bulk_create(
        [ActivityPlanItem(plan_id=ids[(p.station_id, p.year)], **item) for p, items in new for item in items],
        batch_size=2000,
    )
    return len(new)


# --- duty reports and surveys -----------------------------------------------------------------------------------


def plan_duty_reports(world: World, station: Station, offset: int, year: int, activities: list[dict]) -> list[dict]:
    """The station's and its deputies' reports at the year-end meeting (the duty_report activity)."""
    meeting = next((a for a in activities if a["kind"] == "duty_report" and a["date"].year == year), None)
    if meeting is None:
        return []
    rng = _rng("reports", station.code, year)
    rows = []
    if not (year == YEAR and offset in NO_STATION_REPORT_2025):
        rows.append(
            {
                "station_id": station.pk,
                "deputy_id": None,
                "date": meeting["date"],
                "audience": meeting["people_reached"],
                "title": f"{station.name}{year}年度工作报告",
            }
        )
    for deputy_id in meeting["deputies"]:
        rows.append(
            {
                "station_id": station.pk,
                "deputy_id": deputy_id,
                "date": meeting["date"],
                "audience": max(10, meeting["people_reached"] - rng.randint(0, 15)),
                "title": f"{year}年度个人履职情况报告",
            }
        )
    return rows


def insert_duty_reports(rows: list[dict]) -> int:
    existing = set(DutyReport.objects.values_list("station_id", "deputy_id", "date"))
    activity = {
        (s, d): pk for pk, s, d in Activity.objects.filter(kind="duty_report").values_list("pk", "station_id", "date")
    }
    new = [r for r in rows if (r["station_id"], r["deputy_id"], r["date"]) not in existing]
    DutyReport.objects.bulk_create(
        [
            DutyReport(
                **r, summary="向选民报告履职情况并接受评议。", activity_id=activity.get((r["station_id"], r["date"]))
            )
            for r in new
        ],
        batch_size=1000,
    )
    return len(new)


def seed_surveys(world: World, stations: list[Station], year: int, ballots: int | None) -> tuple[int, int]:
    """One survey per station for ``year``, opening on its duty-report day (or 10 December) and closing on 31
    December; ``ballots`` responses in all (exact), shared across the stations, only where the survey is new
    and its window has begun."""
    existing = set(Survey.objects.filter(year=year).values_list("station_id", flat=True))
    meetings = dict(
        Activity.objects.filter(kind="duty_report", date__year=year, station__in=stations).values_list(
            "station_id", "date"
        )
    )
    rng = _rng("surveys", stations[0].code, year)
    shares = _allocate(ballots, len(stations), rng) if ballots else [0] * len(stations)
    new = []
    for station, share in zip(stations, shares, strict=True):
        opens = meetings.get(station.pk, datetime.date(year, 12, 10))
        token = (
            f"demo{year}{station.code.lower().replace('-', '')}{_rng('token', station.code, year).getrandbits(48):012x}"
        )
        if station.pk in existing:
            continue
        new.append(
            (
                Survey(
                    station_id=station.pk,
                    year=year,
                    title=f"{year}年度满意度测评",
                    opens_on=opens,
                    closes_on=datetime.date(year, 12, 31),
                    token=token,
                ),
                share,
            )
        )
    Survey.objects.bulk_create([s for s, _n in new])
    surveys = {s.station_id: s for s in Survey.objects.filter(year=year, station__in=[s.station_id for s, _ in new])}
    reporters = defaultdict(list)
    for station_id, deputy_id in (
        DutyReport.objects.filter(date__year=year, deputy__isnull=False, station_id__in=list(surveys))
        .order_by("deputy_id")
        .values_list("station_id", "deputy_id")
    ):
        if deputy_id not in reporters[station_id]:
            reporters[station_id].append(deputy_id)
    questions = []
    for station_id, survey in surveys.items():
        questions.append(SurveyQuestion(survey=survey, deputy_id=None, order=0))
        questions += [
            SurveyQuestion(survey=survey, deputy_id=d, order=n) for n, d in enumerate(reporters[station_id], start=1)
        ]
    SurveyQuestion.objects.bulk_create(questions, batch_size=2000)
    by_survey = defaultdict(list)
    for q in SurveyQuestion.objects.filter(survey__in=list(surveys.values())).order_by("order", "pk"):
        by_survey[q.survey_id].append(q)
    responses, answers_of = [], []
    for survey, share in new:
        survey = surveys[survey.station_id]
        if survey.opens_on > world.today:
            continue
        srng = _rng("ballots", survey.station_id, year)
        bias = srng.uniform(-6, 6)
        weights = [(r, max(1, w + (bias if r == "very_satisfied" else -bias / 3))) for r, w in RATING_WEIGHTS]
        last_day = min(survey.closes_on, world.today)
        span = (last_day - survey.opens_on).days + 1
        for n in range(share):
            online = srng.random() < 0.7
            phone = f"13{srng.randint(0, 9)}{n:04d}{srng.randint(1000, 9999)}"
            day = survey.opens_on + datetime.timedelta(days=min(span - 1, int(srng.expovariate(1 / 3))))
            responses.append(
                SurveyResponse(
                    survey=survey,
                    channel="online" if online else "paper",
                    phone_hash=hash_phone(survey=survey, phone=phone) if online else None,
                    entered_by_id=None if online else world.officers.get(survey.station_id),
                    submitted_at=_at(day, srng, 8, 22),
                )
            )
            answers_of.append(
                [
                    (q, _weighted(srng, weights))
                    for q in by_survey[survey.pk]
                    if q.deputy_id is None or srng.random() < 0.9
                ]
            )
    SurveyResponse.objects.bulk_create(responses, batch_size=1000)
    if responses and responses[0].pk is None:  # backends that do not return ids from bulk inserts
        raise RuntimeError("bulk_create did not set primary keys")
    SurveyAnswer.objects.bulk_create(
        [
            SurveyAnswer(response=r, question=q, rating=rating)
            for r, answers in zip(responses, answers_of, strict=True)
            for q, rating in answers
        ],
        batch_size=5000,
    )
    return len(new), len(responses)


# --- suggestions ------------------------------------------------------------------------------------------------


def _suggestion_stations(world: World, stations: list[Station], category: str, rng: random.Random) -> Station:
    stations = [s for s in stations if world.pool(s)] or stations
    if category == "rural":
        towns = [s for s in stations if s.street and s.street.kind == "township"]
        return rng.choice(towns or stations)
    return rng.choice(stations)


def plan_suggestions(world: World, copy: int, stations: list[Station], year: int, counts: dict) -> list[dict]:
    """The year's suggestions: about a third filed at the congress session in January, the rest between
    sessions; each handled as far as its age allows (assigned in 1–3 weeks, answered in 1.5–3 months, assessed,
    closed), a few extended, sent back once or supervised."""
    rng = _rng("suggestions", copy, year)
    rows = []
    for category, count in counts.items():
        for n in range(count):
            topic, opinion_categories, titles, units = TOPICS[category][n % len(TOPICS[category])]
            station = _suggestion_stations(world, stations, category, rng)
            pool = world.pool(station)
            at_session = rng.random() < 0.35
            filed = (
                SESSION_DAYS[year]
                if at_session
                else _workday(datetime.date(year, rng.randint(2, 10), rng.randint(1, 28)))
            )
            lead = rng.choice(pool) if pool else None
            cosigners = [d for d in rng.sample(pool, min(len(pool), rng.randint(0, 3))) if d != lead]
            street = station.street.name if station.street else ""
            title = rng.choice(titles).format(street=street, road=rng.choice(ROADS))
            rows.append(
                {
                    "category": category,
                    "topic": topic,
                    "station": station,
                    "lead": lead,
                    "cosigners": cosigners,
                    "filed_on": filed,
                    "title": title,
                    "opinion_categories": opinion_categories,
                    "unit": rng.choice(units),
                    "rng": random.Random(rng.random()),
                }
            )
    rows.sort(key=lambda r: (r["filed_on"], r["category"], r["title"]))
    if world.demo_deputy is not None and copy == 0:
        # The demo deputy leads one livelihood suggestion of their station and co-signs another.
        mine = [r for r in rows if r["category"] == "livelihood" and world.demo_deputy in world.pool(r["station"])]
        target = mine[0] if mine else next(r for r in rows if r["category"] == "livelihood")
        target["station"] = next(s for s in stations if world.demo_deputy in world.pool(s))
        target["lead"], target["cosigners"] = (
            world.demo_deputy,
            [d for d in target["cosigners"] if d != world.demo_deputy],
        )
        other = next(r for r in rows if r is not target and r["lead"] != world.demo_deputy)
        if world.demo_deputy not in other["cosigners"]:
            other["cosigners"].append(world.demo_deputy)
    for n, row in enumerate(rows, start=1):
        row["number"] = f"{year}-{copy * 100 + n:03d}" if copy else f"{year}-{n:03d}"
    return rows


def _handle(world: World, row: dict, year: int) -> tuple[dict, list[tuple]]:
    """The suggestion's fields and its events [(at, action, from, to, note)], as far as today allows."""
    rng = row["rng"]
    fields = {"status": "filed"}
    events = [(_at(row["filed_on"], rng), "file", "", "filed", "")]
    unit_id = world.units.get(row["unit"], world.any_unit)

    def after(day, key):
        lo, hi = STATUS_DAYS[key]
        return _workday(day + datetime.timedelta(days=rng.randint(lo, hi)))

    assigned = after(row["filed_on"], "assign")
    if unit_id is None or assigned > world.today:
        return fields, events
    fields.update(
        status="assigned", unit_id=unit_id, assigned_on=assigned, deadline=add_months(assigned, ANSWER_MONTHS)
    )
    events.append((_at(assigned, rng), "assign", "filed", "assigned", row["unit"]))
    extended = rng.random() < 0.12
    answered = after(assigned, "answer")
    if extended:
        fields["deadline"] = add_months(assigned, rng.choice(range(ANSWER_MONTHS + 1, MAX_EXTENSION_MONTHS + 1)))
        fields["extension_reason"] = "涉及多个部门协调和项目立项，需延期答复。"
        events.append(
            (
                _at(assigned + datetime.timedelta(days=80), rng),
                "extend",
                "assigned",
                "assigned",
                fields["extension_reason"],
            )
        )
        answered = _workday(assigned + datetime.timedelta(days=rng.randint(100, 160)))
    if answered > world.today:
        return fields, events
    answer_class = _weighted(rng, [("A", 60), ("B", 30), ("C", 10)])
    fields.update(
        status="answered",
        answer_class=answer_class,
        answered_on=answered,
        answer=_answer_text(answer_class, row["topic"]),
    )
    events.append((_at(answered, rng), "answer", "assigned", "answered", answer_class))
    assessed = after(answered, "assess")
    if assessed > world.today or rng.random() < 0.05:
        return fields, events
    if rng.random() < 0.08:  # not satisfied: back to the unit once, answered again a month later
        fields.update(returned_once=True, deadline=add_months(assessed, RETURN_MONTHS))
        events.append((_at(assessed, rng), "return", "answered", "assigned", "not_satisfied"))
        answered = _workday(assessed + datetime.timedelta(days=rng.randint(15, 30)))
        if answered > world.today:
            fields.update(status="assigned", answer_class="", answer="", answered_on=None)
            return fields, events
        fields.update(answer_class="A" if rng.random() < 0.6 else "B", answered_on=answered)
        fields["answer"] = _answer_text(fields["answer_class"], row["topic"])
        events.append((_at(answered, rng), "answer", "assigned", "answered", fields["answer_class"]))
        assessed = after(answered, "assess")
        if assessed > world.today:
            return fields, events
    assessment = _weighted(rng, [("satisfied", 78), ("basically_satisfied", 19), ("not_satisfied", 3)])
    fields.update(status="assessed", assessment=assessment, assessed_on=assessed)
    events.append((_at(assessed, rng), "assess", "answered", "assessed", assessment))
    closed = after(assessed, "close")
    if closed <= world.today and rng.random() < 0.85:
        fields["status"] = "closed"
        events.append((_at(closed, rng), "close", "assessed", "closed", ""))
    return fields, events


def _answer_text(answer_class: str, topic: str) -> str:
    return {
        "A": f"关于“{topic}”的建议已研究落实，相关工作已完成或正在推进，将持续跟踪落实效果。",
        "B": f"关于“{topic}”的建议已列入工作计划，待条件成熟后逐步解决。",
        "C": f"关于“{topic}”的建议受政策和资金条件限制，目前暂难实施，已向代表作出说明。",
    }[answer_class]


def insert_suggestions(world: World, rows: list[dict], year: int) -> int:
    existing = set(Suggestion.objects.filter(year=year).values_list("number", flat=True))
    new, extras = [], []
    for row in rows:
        if row["number"] in existing or row["lead"] is None or row["filed_on"] > world.today:
            continue
        fields, events = _handle(world, row, year)
        new.append(
            Suggestion(
                number=row["number"],
                year=year,
                session=SESSIONS[year],
                lead_deputy_id=row["lead"],
                title=row["title"],
                content=f"{row['title'].removeprefix('关于').removesuffix('的建议')}，"
                "群众反映较多，建议相关部门加强统筹、加大投入，尽快研究解决。",
                category=row["category"],
                topics=[row["topic"]],
                station_id=row["station"].pk,
                filed_on=row["filed_on"],
                **fields,
            )
        )
        extras.append((row, events))
    Suggestion.objects.bulk_create(new, batch_size=500)
    ids = dict(Suggestion.objects.filter(year=year, number__in=[s.number for s in new]).values_list("number", "pk"))
    cosign = Suggestion.co_signers.through
    sources = Suggestion.source_opinions.through
    cosign_rows, source_rows, event_rows = [], [], []
    for row, events in extras:
        pk = ids[row["number"]]
        cosign_rows += [cosign(suggestion_id=pk, deputy_id=d) for d in dict.fromkeys(row["cosigners"])]
        for at, action, old, status, note in events:
            event_rows.append(
                SuggestionEvent(
                    suggestion_id=pk,
                    action=action,
                    from_status=old,
                    to_status=status,
                    note=note,
                    at=at,
                    by_id=world.county_user,
                )
            )
        filed_at = datetime.datetime.combine(row["filed_on"], datetime.time(0, 0), tzinfo=SHANGHAI)
        candidates = [
            o
            for o in world.opinions.get(row["station"].pk, [])
            if o[1] < filed_at and o[2] in row["opinion_categories"]
        ]
        rng = _rng("sources", row["number"])
        if candidates and rng.random() < 0.7:
            for opinion_id, _received, _category in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
                source_rows.append(sources(suggestion_id=pk, opinion_id=opinion_id))
    cosign.objects.bulk_create(cosign_rows, batch_size=2000)
    sources.objects.bulk_create(source_rows, batch_size=2000)
    SuggestionEvent.objects.bulk_create(event_rows, batch_size=2000)
    return len(new)


def link_supervision(year: int, county_user: int | None) -> int:
    """County staff supervise a few suggestions of the year, each tied to a supervision activity held at its
    station after the assignment."""
    activities = defaultdict(list)
    for pk, station_id, day in (
        Activity.objects.filter(kind="suggestion_supervision", date__year=year)
        .order_by("date", "pk")
        .values_list("pk", "station_id", "date")
    ):
        activities[station_id].append((day, pk))
    supervised = Suggestion.objects.filter(year=year, supervised=True).count()
    updates, events = [], []
    candidates = Suggestion.objects.filter(year=year, supervised=False, assigned_on__isnull=False).order_by("number")
    for suggestion in candidates:
        if supervised >= SUPERVISED_PER_YEAR or not _rng("supervise", suggestion.number).random() < 0.35:
            continue
        match = next(
            (pk for day, pk in activities.get(suggestion.station_id, []) if day > suggestion.assigned_on), None
        )
        if match is None:
            continue
        suggestion.supervised, suggestion.supervision_activity_id = True, match
        updates.append(suggestion)
        at = datetime.datetime.combine(suggestion.assigned_on, datetime.time(15, 0), tzinfo=SHANGHAI)
        events.append(
            SuggestionEvent(
                suggestion=suggestion,
                action="supervise",
                from_status=suggestion.status,
                to_status=suggestion.status,
                at=at,
                by_id=county_user,
            )
        )
        supervised += 1
    Suggestion.objects.bulk_update(updates, ["supervised", "supervision_activity"])
    SuggestionEvent.objects.bulk_create(events)
    return len(updates)


# --- the step ---------------------------------------------------------------------------------------------------


def seed(ctx) -> None:
    """The deputies' work step (see the module docstring)."""
    world = World(timezone.localdate())
    if not world.stations:
        return
    years = [y for y in (YEAR, YEAR + 1) if datetime.date(y, 1, 1) <= world.today]
    activity_rows, plans, report_rows = [], [], []
    for _copy, stations in world.copies():
        for offset, station in enumerate(stations):
            for year in years:
                rows = plan_activities(world, station, offset, year)
                activity_rows += rows
                report_rows += plan_duty_reports(world, station, offset, year, rows)
                plan = plan_activity_plan(world, station, offset, year)
                if plan is not None:
                    plans.append(plan)
    counts = {
        "activities": insert_activities(activity_rows),
        "plans": insert_plans(plans),
        "duty reports": insert_duty_reports(report_rows),
    }
    suggestions = surveys = ballots = supervised = 0
    for copy, stations in world.copies():
        for year in years:
            wanted = SUGGESTIONS_2025 if year == YEAR else SUGGESTIONS_2026
            suggestions += insert_suggestions(world, plan_suggestions(world, copy, stations, year, wanted), year)
            made, cast = seed_surveys(world, stations, year, SURVEY_BALLOTS_2025 if year == YEAR else 0)
            surveys, ballots = surveys + made, ballots + cast
    for year in years:
        supervised += link_supervision(year, world.county_user)
    counts.update(suggestions=suggestions, surveys=surveys, ballots=ballots, supervised=supervised)
    ctx.say("deputies' work: " + ", ".join(f"{n} {label}" for label, n in counts.items()) + " created")
