"""Demo ledger: visit logs, outreach, opinions with their whole history, practical matters.

Calendar year 2025 matches the seed newsletter exactly over the 41 stations YL-001…YL-041: 2,379 people
received, 8,724 people visited, 335 opinions of which 199 closed as resolved, 1,352 practical matters. A few
held reception days are left without a visit log so the evaluation has gaps to find. 2026 gets plausible
records up to yesterday. Copies made by ``--scale`` mirror the pattern with their own random draws.

Deterministic (string-seeded ``random.Random`` per station and period, seeded Faker) and idempotent: every
record has a natural key (visit logs and practical matters: station + created_at; outreach: deputy +
created_at; opinions: tracking code) and only missing ones are inserted.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from importlib import import_module
from zoneinfo import ZoneInfo

from django.apps import apps as django_apps
from django.contrib.auth.models import Permission
from django.utils import timezone
from faker import Faker

from accounts.models import Role, User
from core.workdays import WorkingDayCalendar
from stations.models import Area, Membership, ReceptionDay, Station, StationStaff
from visits.codes import new_tracking_code
from visits.models import Opinion, OpinionEvent, Outreach, PracticalMatter, ResponsibleUnit, VisitLog
from visits.services import due_after

from . import visits_content as content

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 2505
YEAR = 2025
BASE_STATIONS = 41
PEOPLE_RECEIVED = 2379
PEOPLE_VISITED = 8724
PRACTICAL_MATTERS = 1352
# Final states of the 335 opinions of 2025 (199 closed as resolved, as the seed says).
STATUS_MIX_2025 = {
    "closed_resolved": 199,
    "closed_unresolved": 22,
    "rejected": 18,
    "answered": 40,
    "in_progress": 30,
    "assigned": 14,
    "registered": 7,
    "received": 5,
}
# Held reception days deliberately left without a visit log: (station code, month of 2025).
GAPS = {("YL-006", 3), ("YL-012", 7), ("YL-012", 8), ("YL-027", 11), ("YL-035", 5)}
CHANNELS = ["visit"] * 9 + ["outreach"] * 5 + ["phone"] * 3 + ["online"] * 3


def _at(day: datetime.date, rng: random.Random, start_hour: int = 9, end_hour: int = 17) -> datetime.datetime:
    minute = rng.randrange((end_hour - start_hour) * 60)
    return datetime.datetime.combine(day, datetime.time(start_hour + minute // 60, minute % 60), tzinfo=SHANGHAI)


def _local(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(SHANGHAI).date()


def _days_of(year: int, month: int, until: datetime.date) -> list[datetime.date]:
    day, out = datetime.date(year, month, 1), []
    while day.month == month and day < until:
        out.append(day)
        day += datetime.timedelta(days=1)
    return out


def _exact(values: list[dict], key: str, target: int, rng: random.Random, floor: int, cap: int) -> None:
    """Nudge ``values[i][key]`` by ones until they sum to ``target`` (deterministic, bounded)."""
    diff = target - sum(v[key] for v in values)
    guard = 0
    while diff and guard < 200000:
        guard += 1
        item = values[rng.randrange(len(values))]
        if diff > 0 and item[key] < cap:
            item[key] += 1
            diff -= 1
        elif diff < 0 and item[key] > floor:
            item[key] -= 1
            diff += 1
    if diff:
        raise RuntimeError(f"cannot reach {target} for {key}")


class World:
    """What the plan needs to know about the stations: residents, reception days, staff, units."""

    def __init__(self, today: datetime.date):
        self.today = today
        self.now = datetime.datetime.combine(today, datetime.time(0, 0), tzinfo=SHANGHAI)
        self.calendar = WorkingDayCalendar.load(datetime.date(YEAR - 1, 12, 1), datetime.date(today.year + 1, 12, 31))
        self.stations = list(Station.objects.order_by("code").select_related("area", "street"))
        self.residents: dict[int, list[int]] = defaultdict(list)
        for station_id, deputy_id in Membership.objects.order_by("deputy_id").values_list("station_id", "deputy_id"):
            self.residents[station_id].append(deputy_id)
        self.days: dict[tuple[int, int, int], dict] = {}
        for pk, station_id, scheduled, date, status in ReceptionDay.objects.filter(
            scheduled_date__year__gte=YEAR
        ).values_list("pk", "station_id", "scheduled_date", "date", "status"):
            self.days[(station_id, scheduled.year, scheduled.month)] = {"pk": pk, "date": date, "status": status}
        self.duty: dict[int, list[int]] = defaultdict(list)
        through = ReceptionDay.duty_deputies.through
        for day_id, deputy_id in through.objects.filter(receptionday__scheduled_date__year__gte=YEAR).values_list(
            "receptionday_id", "deputy_id"
        ):
            self.duty[day_id].append(deputy_id)
        self.officer: dict[int, int] = {}
        for station_id, user_id, role in StationStaff.objects.current(on=today).values_list(
            "station_id", "user_id", "role"
        ):
            if role == StationStaff.Role.OFFICER or station_id not in self.officer:
                self.officer[station_id] = user_id
        self.county_user = User.objects.filter(username="county").values_list("pk", flat=True).first()
        self.units = dict(ResponsibleUnit.objects.values_list("name", "pk"))
        self.unit_names = {pk: name for name, pk in self.units.items()}
        self.street_office = dict(ResponsibleUnit.objects.filter(area__isnull=False).values_list("area_id", "pk"))
        self.fake = Faker("zh_CN")

    def reseed(self, label: str) -> random.Random:
        self.fake.seed_instance(f"{SEED}:faker:{label}")
        return random.Random(f"{SEED}:{label}")

    def held_day(self, station_id: int, year: int, month: int) -> dict | None:
        day = self.days.get((station_id, year, month))
        if day and day["status"] in ("held", "moved") and day["date"] < self.today:
            return day
        return None


# ---------------------------------------------------------------------------------------------------------
# Reference data of the demo: street offices, the county user's unmask permission


def seed_units_and_permissions(ctx) -> None:
    # The county departments come with migration visits.0002; a database flushed by a transactional test has
    # lost them, so load them again (the loader skips what exists).
    import_module("visits.migrations.0002_responsible_units").load(django_apps, None)
    streets = Area.objects.filter(kind__in=[Area.Kind.STREET, Area.Kind.TOWNSHIP]).order_by("code")
    existing = set(ResponsibleUnit.objects.values_list("name", flat=True))
    new = []
    for i, street in enumerate(streets):
        name = f"{street.name}办事处" if street.kind == Area.Kind.STREET else f"{street.name}人民政府"
        if name not in existing:
            new.append(
                ResponsibleUnit(name=name, kind=ResponsibleUnit.Kind.STREET_OFFICE, area=street, sort_order=100 + i)
            )
    ResponsibleUnit.objects.bulk_create(new)
    permission = Permission.objects.filter(codename="unmask_personal_data", content_type__app_label="visits").first()
    if permission is not None:
        for user in User.objects.filter(role=Role.COUNTY, username="county"):
            user.user_permissions.add(permission)


# ---------------------------------------------------------------------------------------------------------
# Visit logs and outreach


def _topic(rng):
    return rng.choice(content.TOPICS)


def _visit(world, rng, station, day, *, reception_day, k, people, deputies):
    topic = _topic(rng)
    named = rng.random() < 0.4
    return {
        "station_id": station.pk,
        "date": day,
        "reception_day_id": reception_day["pk"] if reception_day else None,
        "people_count": people,
        "visitor_name": world.fake.name() if named else "",
        "visitor_phone": world.fake.phone_number() if named else "",
        "topics": topic[0],
        "summary": rng.choice(content.VISIT_SUMMARIES).format(topic=topic[0]),
        "created_at": datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=SHANGHAI)
        + datetime.timedelta(minutes=11 * k),
        "deputies": deputies,
        "created_by_id": world.officer.get(station.pk),
    }


def plan_visits(world, station, year: int, months) -> list[dict]:
    rng = world.reseed(f"visits:{year}:{station.code}")
    out = []
    for month in months:
        held = world.held_day(station.pk, year, month)
        residents = world.residents.get(station.pk, [])
        gap = year == YEAR and (station.code, month) in GAPS
        if held and not gap:
            duty = world.duty.get(held["pk"]) or residents[:2]
            for k in range(rng.choice([1, 1, 2, 2, 2, 3])):
                out.append(
                    _visit(
                        world,
                        rng,
                        station,
                        held["date"],
                        reception_day=held,
                        k=k,
                        people=rng.choice([1, 1, 1, 1, 2, 2, 3, 5]),
                        deputies=duty,
                    )
                )
        if rng.random() < 0.3:
            days = [d for d in _days_of(year, month, world.today) if world.calendar.is_working_day(d) and d.day != 28]
            if days and residents:
                out.append(
                    _visit(
                        world,
                        rng,
                        station,
                        rng.choice(days),
                        reception_day=None,
                        k=10,
                        people=rng.choice([1, 1, 2, 3]),
                        deputies=[rng.choice(residents)],
                    )
                )
    return out


def plan_outreach(world, station, year: int, months) -> list[dict]:
    rng = world.reseed(f"outreach:{year}:{station.code}")
    communities = [station.area.name]
    out = []
    for deputy_id in world.residents.get(station.pk, []):
        if year == YEAR:
            chosen = sorted(rng.sample(list(months), k=min(len(months), rng.choice([1, 2, 2, 3, 3, 4]))))
        else:
            chosen = [m for m in months if rng.random() < 0.2]
        for month in chosen:
            days = _days_of(year, month, world.today)
            if not days:
                continue
            day = rng.choice(days)
            topic = _topic(rng)
            out.append(
                {
                    "deputy_id": deputy_id,
                    "station_id": station.pk,
                    "date": day,
                    "place": rng.choice(content.OUTREACH_PLACES).format(community=rng.choice(communities)),
                    "people_count": rng.choice([2, 3, 4, 5, 6, 8, 10, 12, 15]),
                    "summary": rng.choice(content.OUTREACH_SUMMARIES).format(topic=topic[0]),
                    "created_at": datetime.datetime.combine(day, datetime.time(15, 0), tzinfo=SHANGHAI)
                    + datetime.timedelta(minutes=deputy_id % 97),
                    "created_by_id": world.officer.get(station.pk),
                }
            )
    return out


# ---------------------------------------------------------------------------------------------------------
# Opinions


class Timeline:
    """Walk an opinion through its workflow with plausible working-day delays, never past ``now``."""

    def __init__(self, world, rng, row: dict):
        self.world, self.rng, self.row = world, rng, row
        self.cal = world.calendar
        self.events: list[tuple] = []
        self.t = row["received_at"]

    def later(self, lo: int, hi: int, *, late: float = 0.0, late_hi: int = 0) -> datetime.datetime | None:
        n = self.rng.randint(hi + 1, late_hi) if late and self.rng.random() < late else self.rng.randint(lo, hi)
        day = self.cal.add(_local(self.t), n)
        moment = _at(day, self.rng)
        if moment <= self.t:
            moment = self.t + datetime.timedelta(minutes=self.rng.randint(20, 120))
        return None if moment >= self.world.now else moment

    def step(self, moment, action: str, to_status: str, note: str = "", actor=None) -> None:
        self.events.append((moment, action, self.row["status"], to_status, note, actor))
        self.row["status"] = to_status
        self.t = moment

    def run(self, final: str) -> None:
        row, cal, rng = self.row, self.cal, self.rng
        officer, county = self.world.officer.get(row["station_id"]), self.world.county_user
        row["register_due"] = due_after(_local(self.t), "register", calendar=cal)
        self.step(self.t, "receive", "received")
        if final == "received":
            return
        if final == "rejected" and rng.random() < 0.4:
            if moment := self.later(0, 2):
                self.step(moment, "reject", "rejected", rng.choice(content.REJECT_REASONS), county)
                row["closed_at"] = moment
            return
        if not (moment := self.later(0, 2, late=0.08, late_hi=5)):
            return
        self.step(moment, "register", "registered", actor=officer)
        row["registered_at"], row["assign_due"] = moment, due_after(_local(moment), "assign", calendar=cal)
        if final == "registered":
            return
        if final == "rejected":
            if moment := self.later(0, 3):
                self.step(moment, "reject", "rejected", rng.choice(content.REJECT_REASONS), county)
                row["closed_at"] = moment
            return
        if not (moment := self.later(1, 9, late=0.1, late_hi=16)):
            return
        self.step(moment, "assign", "assigned", row["unit_name"], county)
        row["assigned_at"], row["answer_due"] = moment, due_after(_local(moment), "answer", calendar=cal)
        if final == "assigned":
            return
        if not (moment := self.later(0, 2)):
            return
        self.step(moment, "start", "in_progress", actor=officer)
        if final == "in_progress":
            return
        if not self.answer(officer):
            return
        if final == "closed_resolved" and rng.random() < 0.1:
            # One round of "not satisfied": back to the unit, answered again.
            if not (moment := self.later(1, 4)):
                return
            self.step(moment, "rate", "in_progress", "回访：群众对答复不满意", officer)
            row["rating"], row["answer_due"] = "not_satisfied", due_after(_local(moment), "answer", calendar=cal)
            if not self.answer(officer):
                return
        if final == "answered":
            return
        if not (moment := self.later(1, 5)):
            return
        if final == "closed_resolved" and rng.random() < 0.85:
            self.step(moment, "rate", "closed", "电话回访：满意", officer)
            row["rating"], row["resolved"] = "satisfied", True
        else:
            resolved = final == "closed_resolved"
            self.step(moment, "close", "closed", rng.choice(content.CLOSE_NOTES), county)
            row["resolved"] = resolved
        row["closed_at"] = moment

    def answer(self, officer) -> bool:
        moment = self.later(3, 14, late=0.1, late_hi=24)
        if not moment:
            return False
        self.step(moment, "answer", "answered", self.row["answer"], officer)
        self.row["answered_at"] = moment
        return True


def _final_for_age(rng, age_days: int) -> str:
    if age_days < 4:
        return rng.choice(["received", "registered"])
    if age_days < 20:
        return rng.choice(["registered", "assigned", "in_progress", "in_progress", "rejected"])
    if age_days < 45:
        return rng.choice(["in_progress", "answered", "answered", "closed_resolved", "closed_resolved"])
    return rng.choices(
        ["closed_resolved", "closed_unresolved", "rejected", "answered", "in_progress"], weights=[72, 8, 6, 8, 6]
    )[0]


def plan_opinion(world, rng, station, received_at, final, visits_of_station, codes: set) -> dict:
    topic = _topic(rng)
    place = rng.choice(content.PLACES)
    channel = rng.choice(CHANNELS)
    residents = world.residents.get(station.pk, [])
    visit = None
    if channel == "visit" and visits_of_station:
        candidates = [v for v in visits_of_station if v["date"].year == received_at.year]
        if candidates:
            visit = rng.choice(candidates)
            received_at = visit["created_at"] + datetime.timedelta(minutes=5)
    if rng.random() < 0.7 or station.street_id not in world.street_office:
        unit_id = world.units.get(topic[5])
    else:
        unit_id = world.street_office[station.street_id]
    unit_name = world.unit_names.get(unit_id, "")
    named = channel != "online" or rng.random() < 0.6
    code = new_tracking_code(rng)
    while code in codes:
        code = new_tracking_code(rng)
    codes.add(code)
    row = {
        "tracking_code": code,
        "station_id": station.pk,
        "channel": channel,
        "content": rng.choice(topic[2]).format(place=place),
        "category": topic[1],
        "citizen_name": world.fake.name() if named else "",
        "citizen_phone": world.fake.phone_number() if named or rng.random() < 0.5 else "",
        "deputy_id": rng.choice(residents) if residents and channel in ("visit", "outreach") else None,
        "visit_key": (visit["station_id"], visit["created_at"]) if visit else None,
        "received_at": received_at,
        "status": "received",
        "unit_name": unit_name,
        "unit_id": None,
        "answer": topic[3],
        "rating": "",
        "resolved": False,
        "registered_at": None,
        "assigned_at": None,
        "answered_at": None,
        "closed_at": None,
        "register_due": None,
        "assign_due": None,
        "answer_due": None,
        "pm_title": topic[4].format(place=place),
        "created_by_id": world.officer.get(station.pk) if channel != "online" else None,
    }
    timeline = Timeline(world, rng, row)
    timeline.run(final)
    if row["assigned_at"] is not None:
        row["unit_id"] = unit_id
    if row["answered_at"] is None:
        row["answer"] = ""
    row["events"] = timeline.events
    return row


def _random_moment(rng, world, year: int, months) -> datetime.datetime:
    days = [d for m in months for d in _days_of(year, m, world.today)]
    workdays = [d for d in days if world.calendar.is_working_day(d)] or days
    return _at(rng.choice(workdays if rng.random() < 0.85 else days), rng, 8, 20)


# ---------------------------------------------------------------------------------------------------------
# Practical matters


def plan_practical_matters(world, rng, station, year, months, count, resolved_opinions) -> list[dict]:
    out = []
    for opinion in resolved_opinions:
        if len(out) >= count:
            break
        if rng.random() < 0.6:
            day = min(_local(opinion["closed_at"]) + datetime.timedelta(days=rng.randint(0, 10)), world.today)
            if day >= world.today or day.year != year:
                continue
            out.append(_pm(world, rng, station, day, opinion["pm_title"], opinion["tracking_code"], len(out)))
    days = [d for m in months for d in _days_of(year, m, world.today)]
    while len(out) < count and days:
        day = rng.choice(days)
        title = rng.choice(content.PRACTICAL_EXTRA).format(place=station.area.name)
        out.append(_pm(world, rng, station, day, title, None, len(out)))
    return out


def _pm(world, rng, station, day, title, source_code, k) -> dict:
    return {
        "station_id": station.pk,
        "date": day,
        "title": title,
        "beneficiaries": rng.choice([3, 5, 8, 12, 20, 30, 50, 80, 120, 200, 500]),
        "source_code": source_code,
        "summary": f"{station.name}组织代表协调办理：{title}。",
        "created_at": datetime.datetime.combine(day, datetime.time(16, 0), tzinfo=SHANGHAI)
        + datetime.timedelta(minutes=k),
        "created_by_id": world.officer.get(station.pk),
    }


# ---------------------------------------------------------------------------------------------------------
# The plan and its insertion


def _allocate(total: int, n: int, rng: random.Random) -> list[int]:
    weights = [rng.uniform(0.5, 1.6) for _ in range(n)]
    counts = [0] * n
    for _ in range(total):
        counts[rng.choices(range(n), weights=weights)[0]] += 1
    return counts


def build_plan(world) -> dict[str, list[dict]]:
    plan = {"visits": [], "outreach": [], "opinions": [], "pms": []}
    rng = random.Random(f"{SEED}:global")
    base = min(BASE_STATIONS, len(world.stations))
    opinion_counts = _allocate(sum(STATUS_MIX_2025.values()), base, rng)
    finals = [status for status, n in STATUS_MIX_2025.items() for _ in range(n)]
    rng.shuffle(finals)
    pm_counts = _allocate(PRACTICAL_MATTERS, base, rng)
    codes: set[str] = set()
    year_months = list(range(1, 13))
    this_year_months = list(range(1, world.today.month + 1)) if world.today.year > YEAR else []
    base_visits, base_outreach = [], []
    for index, station in enumerate(world.stations):
        k = index % base
        visits = plan_visits(world, station, YEAR, year_months)
        outreach = plan_outreach(world, station, YEAR, year_months)
        if index < base:
            base_visits += visits
            base_outreach += outreach
        # Opinions of 2025: the base station's share of the exact mix (copies repeat it).
        orng = world.reseed(f"opinions:{YEAR}:{station.code}")
        start = sum(opinion_counts[:k])
        opinions = []
        for final in finals[start : start + opinion_counts[k]]:
            received = _random_moment(orng, world, YEAR, year_months)
            opinions.append(plan_opinion(world, orng, station, received, final, visits, codes))
        resolved = [o for o in opinions if o["resolved"]]
        prng = world.reseed(f"pms:{YEAR}:{station.code}")
        pms = plan_practical_matters(world, prng, station, YEAR, year_months, pm_counts[k], resolved)
        plan["visits"] += visits
        plan["outreach"] += outreach
        plan["opinions"] += opinions
        plan["pms"] += pms
        # The current year up to yesterday: plausible, month by month.
        if this_year_months:
            year = world.today.year
            visits = plan_visits(world, station, year, this_year_months)
            plan["visits"] += visits
            plan["outreach"] += plan_outreach(world, station, year, this_year_months)
            for month in this_year_months:
                mrng = world.reseed(f"opinions:{year}:{month}:{station.code}")
                month_opinions = []
                for _ in range(mrng.choice([0, 0, 1, 1, 1, 2])):
                    if not _days_of(year, month, world.today):
                        break
                    received = _random_moment(mrng, world, year, [month])
                    age = (world.today - _local(received)).days
                    final = _final_for_age(mrng, age)
                    month_opinions.append(plan_opinion(world, mrng, station, received, final, visits, codes))
                plan["opinions"] += month_opinions
                resolved = [o for o in month_opinions if o["resolved"]]
                count = mrng.choice([2, 2, 3, 3, 4])
                plan["pms"] += plan_practical_matters(world, mrng, station, year, [month], count, resolved)
    # Exact figures of 2025 over the base stations.
    _exact(base_visits, "people_count", PEOPLE_RECEIVED, rng, floor=1, cap=20)
    _exact(base_outreach, "people_count", PEOPLE_VISITED, rng, floor=1, cap=40)
    return plan


def _insert_visits(rows) -> int:
    existing = set(VisitLog.objects.values_list("station_id", "created_at"))
    new = [r for r in rows if (r["station_id"], r["created_at"]) not in existing]
    fields = [f for f in new[0] if f != "deputies"] if new else []
    objs = VisitLog.objects.bulk_create([VisitLog(**{f: r[f] for f in fields}) for r in new], batch_size=1000)
    through = VisitLog.deputies.through
    through.objects.bulk_create(
        [through(visitlog_id=o.pk, deputy_id=d) for o, r in zip(objs, new, strict=True) for d in r["deputies"]],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return len(new)


def _insert_outreach(rows) -> int:
    existing = set(Outreach.objects.values_list("deputy_id", "created_at"))
    new = [Outreach(**r) for r in rows if (r["deputy_id"], r["created_at"]) not in existing]
    Outreach.objects.bulk_create(new, batch_size=1000)
    return len(new)


OPINION_FIELDS = [
    "tracking_code",
    "station_id",
    "channel",
    "content",
    "category",
    "citizen_name",
    "citizen_phone",
    "deputy_id",
    "received_at",
    "status",
    "unit_id",
    "answer",
    "rating",
    "resolved",
    "registered_at",
    "assigned_at",
    "answered_at",
    "closed_at",
    "register_due",
    "assign_due",
    "answer_due",
    "created_by_id",
]


def _insert_opinions(rows) -> int:
    existing = set(Opinion.objects.values_list("tracking_code", flat=True))
    new = [r for r in rows if r["tracking_code"] not in existing]
    if not new:
        return 0
    visit_ids = {
        (s, c): pk
        for pk, s, c in VisitLog.objects.filter(date__year__gte=YEAR).values_list("pk", "station_id", "created_at")
    }
    objs = []
    for r in new:
        obj = Opinion(**{f: r[f] for f in OPINION_FIELDS})
        obj.visit_log_id = visit_ids.get(r["visit_key"]) if r["visit_key"] else None
        objs.append(obj)
    objs = Opinion.objects.bulk_create(objs, batch_size=1000)
    events = [
        OpinionEvent(opinion_id=o.pk, at=at, action=action, from_status=src, to_status=dst, note=note, actor_id=actor)
        for o, r in zip(objs, new, strict=True)
        for at, action, src, dst, note, actor in r["events"]
    ]
    OpinionEvent.objects.bulk_create(events, batch_size=2000)
    return len(new)


def _insert_pms(rows) -> int:
    existing = set(PracticalMatter.objects.values_list("station_id", "created_at"))
    opinion_ids = dict(Opinion.objects.values_list("tracking_code", "pk"))
    new = []
    for r in rows:
        if (r["station_id"], r["created_at"]) in existing:
            continue
        values = {f: v for f, v in r.items() if f != "source_code"}
        new.append(PracticalMatter(source_opinion_id=opinion_ids.get(r["source_code"]), **values))
    PracticalMatter.objects.bulk_create(new, batch_size=1000)
    return len(new)


def seed(ctx) -> None:
    """The visits app's demo step (see the module docstring)."""
    seed_units_and_permissions(ctx)
    world = World(timezone.localdate())
    if not world.stations:
        return
    plan = build_plan(world)
    counts = {
        "visit logs": _insert_visits(plan["visits"]),
        "outreach": _insert_outreach(plan["outreach"]),
        "opinions": _insert_opinions(plan["opinions"]),
        "practical matters": _insert_pms(plan["pms"]),
    }
    ctx.say("ledger: " + ", ".join(f"{n} {label}" for label, n in counts.items()) + " created")
