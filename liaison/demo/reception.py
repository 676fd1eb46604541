"""Demo reception days: the 28th of every month from January 2025 to next month for every station.

Past days are held (a few cancelled or moved, with the reason published); their notices were published three
days ahead except for a handful of late ones, so the evaluation has something to find. Future days are
planned. Each day has two or three resident deputies on duty, in rotation.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from stations.models import Membership, ReceptionDay, Station

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_MONTH = datetime.date(2025, 1, 1)
SEED = 2028


def months(first: datetime.date, last: datetime.date):
    day = first.replace(day=1)
    while day <= last:
        yield day
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def seed(ctx) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    last = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)  # next month
    stations = list(Station.objects.order_by("code").values_list("pk", "code"))
    existing = set(ReceptionDay.objects.values_list("station_id", "scheduled_date"))
    residents: dict[int, list[int]] = {}
    for station_id, deputy_id in (
        Membership.objects.current().order_by("deputy_id").values_list("station_id", "deputy_id")
    ):
        residents.setdefault(station_id, []).append(deputy_id)
    days, duty = [], []
    for month in months(FIRST_MONTH, last):
        scheduled = month.replace(day=28)
        for n, (station_id, _code) in enumerate(stations):
            roll = rng.random()
            late = rng.random() < 0.06
            if (station_id, scheduled) in existing:
                continue
            day = ReceptionDay(station_id=station_id, scheduled_date=scheduled, date=scheduled)
            if scheduled < today:
                day.status = ReceptionDay.Status.HELD
                if scheduled == datetime.date(2025, 1, 28) and n % 3 == 0:
                    # Spring Festival's eve: some stations moved the day forward, with the reason published.
                    day.date, day.original_date = datetime.date(2025, 1, 27), scheduled
                    day.status, day.change_reason = ReceptionDay.Status.MOVED, "春节前夕，接待日提前一天"
                elif roll < 0.02:
                    day.status, day.change_reason = ReceptionDay.Status.CANCELLED, "场地维修，本月接待暂停"
                notice_day = day.date - datetime.timedelta(days=2 if late else 3)
                day.notice_published_at = datetime.datetime.combine(notice_day, datetime.time(8, 0), tzinfo=SHANGHAI)
            days.append(day)
            pool = residents.get(station_id, [])
            if pool:
                k = 3 if len(pool) >= 6 else min(2, len(pool))
                start = (month.year * 12 + month.month) * k % len(pool)
                duty.append((station_id, scheduled, [pool[(start + i) % len(pool)] for i in range(k)]))
    ReceptionDay.objects.bulk_create(days, batch_size=1000)
    ids = {
        (s, d): pk
        for pk, s, d in ReceptionDay.objects.filter(scheduled_date__gte=FIRST_MONTH).values_list(
            "pk", "station_id", "scheduled_date"
        )
    }
    Through = ReceptionDay.duty_deputies.through
    Through.objects.bulk_create(
        [
            Through(receptionday_id=ids[(s, d)], deputy_id=deputy_id)
            for s, d, deputy_ids in duty
            for deputy_id in deputy_ids
        ],
        batch_size=2000,
    )
    ctx.say(f"reception days: {len(days)} created")
