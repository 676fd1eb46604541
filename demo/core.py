"""Demo data for the foundation: the district, its streets and communities, stations, staff, deputies, accounts.

Everything is generated deterministically (seeded ``random`` and Faker ``zh_CN``) and inserted only where
its natural key (area code, station code, username, deputy reference) is missing, so running twice changes
nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from faker import Faker

from accounts.models import Role, User
from deputies.models import Deputy, Mandate
from stations.models import Area, Membership, Station, StationStaff

from . import reference as ref

SEED = 2025
STAFF_SINCE = datetime.date(2022, 4, 1)  # the implementation plan of April 2022 fixed head and officer
MEMBERSHIP_SINCE = datetime.date(2022, 4, 1)


def station_code(index: int) -> str:
    """YL-001 … YL-041 for the demo, YL-042 … for ``--scale`` copies."""
    return f"YL-{index + 1:03d}"


@dataclass
class Context:
    scale: int
    stdout: object = None

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)


def seed_areas(ctx: Context) -> dict[str, Area]:
    county, _ = Area.objects.get_or_create(
        code=ref.COUNTY["code"],
        defaults={"name": ref.COUNTY["name"], "name_en": ref.COUNTY["name_en"], "kind": Area.Kind.COUNTY},
    )
    for i, (name, name_en, kind, _lat, _lon, communities) in enumerate(ref.STREETS):
        street, _ = Area.objects.get_or_create(
            code=f"{county.code}{i + 1:03d}",
            defaults={"name": name, "name_en": name_en, "kind": kind, "parent": county},
        )
        for j, community in enumerate(communities):
            Area.objects.get_or_create(
                code=f"{street.code}{j + 1:03d}",
                defaults={
                    "name": community,
                    "kind": Area.Kind.VILLAGE if community.endswith("村") else Area.Kind.COMMUNITY,
                    "parent": street,
                },
            )
    return {a.code: a for a in Area.objects.filter(path__startswith=county.path)}


def _street_code(i: int) -> str:
    return f"{ref.COUNTY['code']}{i + 1:03d}"


def station_plan(scale: int):
    """(index, street index, name, kind) of every demo station; scale > 1 repeats the 41 with a copy number."""
    for copy in range(scale):
        for k, (street_i, name, kind) in enumerate(ref.STATIONS):
            index = copy * len(ref.STATIONS) + k
            yield index, street_i, (name if copy == 0 else f"{name}（{copy + 1}）"), kind


def seed_stations(ctx: Context, areas: dict[str, Area]) -> None:
    rng = random.Random(SEED)
    existing = set(Station.objects.values_list("code", flat=True))
    new = []
    for index, street_i, name, kind in station_plan(ctx.scale):
        _name, _en, _kind, lat, lon, communities = ref.STREETS[street_i]
        street = areas[_street_code(street_i)]
        community = areas[f"{street.code}{rng.randrange(len(communities)) + 1:03d}"]
        lat_j, lon_j = rng.uniform(-0.012, 0.012), rng.uniform(-0.012, 0.012)
        road, number = rng.choice(ref.ROADS), rng.randint(1, 399)
        hours = rng.choice(ref.OPENING_HOURS)
        phone = f"0731-8{rng.randint(1000000, 9999999)}"
        code = station_code(index)
        if code in existing:
            continue
        new.append(
            Station(
                code=code,
                name=name,
                kind=kind,
                area=community,
                street=street,
                address=f"长沙市岳麓区{street.name}{road}{number}号{community.name}",
                latitude=Decimal(f"{lat + lat_j:.6f}"),
                longitude=Decimal(f"{lon + lon_j:.6f}"),
                opening_hours=hours,
                phone=phone,
                description=f"{name}服务{street.name}的选民群众，每月28日组织代表进站接待。",
            )
        )
    Station.objects.bulk_create(new, batch_size=500)
    ctx.say(f"stations: {len(new)} created, {len(existing)} already there")


def _demo_user(username, *, role, password, first_name="", last_name="", area=None, is_staff=False, is_superuser=False):
    return User(
        username=username,
        role=role,
        password=password,
        first_name=first_name,
        last_name=last_name,
        area=area,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )


def seed_staff(ctx: Context, areas: dict[str, Area]) -> None:
    """Demo accounts of the contract plus a head and an officer for every station."""
    fake = Faker("zh_CN")
    fake.seed_instance(SEED + 1)
    password = make_password(settings.DEMO_PASSWORD)
    county = areas[ref.COUNTY["code"]]
    first_street = areas[_street_code(ref.STREET_ACCOUNT_STREET)]
    wanted = [
        _demo_user(
            "admin", role=Role.ADMIN, password=password, last_name="系统管理员", is_staff=True, is_superuser=True
        ),
        _demo_user("county", role=Role.COUNTY, password=password, last_name="区人大联工委", area=county, is_staff=True),
        _demo_user(
            "street",
            role=Role.STREET,
            password=password,
            last_name=f"{first_street.name}人大工委",
            area=first_street,
            is_staff=True,
        ),
    ]
    posts = []  # (station code, role, username)
    for index, _street_i, _name, _kind in station_plan(ctx.scale):
        code = station_code(index)
        suffix = code.lower().replace("-", "")
        for role in (Role.HEAD, Role.OFFICER):
            name = fake.name()
            username = "officer" if (index == 0 and role == Role.OFFICER) else f"{role}-{suffix}"
            wanted.append(_demo_user(username, role=role, password=password, last_name=name[0], first_name=name[1:]))
            posts.append((code, role, username))
    existing = set(User.objects.values_list("username", flat=True))
    User.objects.bulk_create([u for u in wanted if u.username not in existing], batch_size=500)
    users = dict(User.objects.filter(username__in=[p[2] for p in posts]).values_list("username", "pk"))
    stations = dict(Station.objects.values_list("code", "pk"))
    staffed = set(StationStaff.objects.values_list("station__code", "role"))
    StationStaff.objects.bulk_create(
        [
            StationStaff(station_id=stations[code], user_id=users[username], role=role, since=STAFF_SINCE)
            for code, role, username in posts
            if (code, role) not in staffed
        ],
        batch_size=500,
    )
    ctx.say(f"accounts: {len([u for u in wanted if u.username not in existing])} created")


def _deputy_plan(scale: int):
    """Yield (copy, level, station offset within the 41) for every resident deputy: township deputies only in
    the two towns' stations, provincial and city deputies arranged across the district."""
    town_stations = [k for k, (street_i, _n, _k) in enumerate(ref.STATIONS) if ref.STREETS[street_i][2] == "township"]
    all_stations = list(range(len(ref.STATIONS)))
    for copy in range(scale):
        for level, count in ref.DEPUTIES_BY_LEVEL.items():
            pool = town_stations if level == "township" else all_stations
            for n in range(count):
                yield copy, level, pool[(n * 7 + len(level)) % len(pool)]


def seed_deputies(ctx: Context, areas: dict[str, Area]) -> None:
    fake = Faker("zh_CN")
    fake.seed_instance(SEED + 2)
    rng = random.Random(SEED + 2)
    county = areas[ref.COUNTY["code"]]
    stations = {s.code: s for s in Station.objects.select_related("street")}
    existing = set(Deputy.objects.values_list("ref", flat=True))
    plan = []
    for n, (copy, level, offset) in enumerate(_deputy_plan(ctx.scale)):
        gender = "female" if rng.random() < 0.38 else "male"
        name = fake.name_female() if gender == "female" else fake.name_male()
        occupation, speciality = rng.choice(ref.OCCUPATIONS)
        station = stations[station_code(copy * len(ref.STATIONS) + offset)]
        deputy_ref = f"YL-D{n + 1:05d}"
        phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        email = f"d{n + 1:05d}@deputies.example.cn" if rng.random() < 0.6 else ""
        if deputy_ref in existing:
            continue
        plan.append(
            (
                Deputy(
                    ref=deputy_ref,
                    name=name,
                    gender=gender,
                    occupation=occupation,
                    speciality=speciality,
                    public_contact=f"{station.name}（{station.phone}）",
                    phone=phone,
                    email=email,
                ),
                level,
                station,
            )
        )
    Deputy.objects.bulk_create([d for d, _l, _s in plan], batch_size=1000)
    ids = dict(Deputy.objects.filter(ref__in=[d.ref for d, _l, _s in plan]).values_list("ref", "pk"))
    mandates, memberships = [], []
    for deputy, level, station in plan:
        congress, start, end = ref.MANDATE_TERMS[level]
        electoral = station.street if level in ("county", "township") else county
        mandates.append(
            Mandate(
                deputy_id=ids[deputy.ref],
                level=level,
                congress=congress,
                term_start=datetime.date.fromisoformat(start),
                term_end=datetime.date.fromisoformat(end),
                electoral_area=electoral,
            )
        )
        memberships.append(Membership(deputy_id=ids[deputy.ref], station=station, since=MEMBERSHIP_SINCE))
    Mandate.objects.bulk_create(mandates, batch_size=1000)
    Membership.objects.bulk_create(memberships, batch_size=1000)
    ctx.say(f"deputies: {len(plan)} created, {len(existing)} already there")


def seed_deputy_account(ctx: Context) -> None:
    """The demo ``deputy`` account is the first deputy resident at YL-001."""
    if Deputy.objects.filter(user__username="deputy").exists():
        return
    deputy = Deputy.objects.filter(memberships__station__code=station_code(0)).order_by("ref").first()
    user, _ = User.objects.get_or_create(
        username="deputy",
        defaults={
            "role": Role.DEPUTY,
            "password": make_password(settings.DEMO_PASSWORD),
            "last_name": deputy.name[0],
            "first_name": deputy.name[1:],
        },
    )
    deputy.user = user
    deputy.save(update_fields=["user"])


def seed(ctx: Context) -> None:
    """The foundation's step: district, stations, staff, deputies and the demo accounts."""
    areas = seed_areas(ctx)
    seed_stations(ctx, areas)
    seed_staff(ctx, areas)
    seed_deputies(ctx, areas)
    seed_deputy_account(ctx)
