"""Demo reception days: the 28th of every month from January 2025 to next month for every station.

Past days are held (a few cancelled or moved, with the reason published); their notices were published three
days ahead except for a handful of late ones, so the evaluation has something to find. Future days are
planned. Deputies on duty come from the duty rota's rule (``stations.rota``), month after month, exactly as
``generate_reception_days`` would have picked them.

Each station also has a few confirmed resident subscribers, and the last held month's notices are recorded as
sent (with the in-site messages of deputies who have an account), so the notices API, the admin and the deputy
desk's inbox have something to show. Idempotent: everything is keyed by its natural key.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from notices.models import InboxMessage, Notice, Subscriber
from stations import rota, selectors
from stations.models import ReceptionDay, Station
from stations.notices import duty_prefetch, reception_rows

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_MONTH = datetime.date(2025, 1, 1)
SEED = 2028
SUBSCRIBERS_PER_STATION = (2, 5)


def months(first: datetime.date, last: datetime.date):
    day = first.replace(day=1)
    while day <= last:
        yield day
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _known_duty(station_ids) -> dict[int, list[tuple[datetime.date, list[int]]]]:
    """Existing non-cancelled days with their deputies on duty, per station (the rota's history)."""
    Through = ReceptionDay.duty_deputies.through
    duty: dict[int, list[int]] = {}
    for day_id, deputy_id in Through.objects.values_list("receptionday_id", "deputy_id"):
        duty.setdefault(day_id, []).append(deputy_id)
    history: dict[int, list[tuple[datetime.date, list[int]]]] = {s: [] for s in station_ids}
    for pk, station_id, scheduled in (
        ReceptionDay.objects.exclude(status=ReceptionDay.Status.CANCELLED)
        .filter(station_id__in=station_ids)
        .values_list("pk", "station_id", "scheduled_date")
    ):
        history[station_id].append((scheduled, duty.get(pk, [])))
    return history


def seed(ctx) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    last = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)  # next month
    stations = list(Station.objects.order_by("code").values_list("pk", "code"))
    station_ids = [pk for pk, _code in stations]
    existing = set(ReceptionDay.objects.values_list("station_id", "scheduled_date"))
    pools = selectors.duty_candidates(station_ids=station_ids, on=today)
    history = _known_duty(station_ids)
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
            pool, per_day = pools.get(station_id, ([], None))
            picked = rota.pick_duty(pool, history=rota.History.from_days(history[station_id]), per_day=per_day)
            if day.status != ReceptionDay.Status.CANCELLED:
                history[station_id].append((scheduled, picked))
            if picked:
                duty.append((station_id, scheduled, picked))
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
        ignore_conflicts=True,
    )
    ctx.say(f"reception days: {len(days)} created")
    seed_subscribers(ctx, stations)
    seed_last_notices(ctx, today)


def seed_subscribers(ctx, stations) -> None:
    """A few residents per station who signed up (confirmed) for reminders: fictitious numbers and addresses."""
    rng = random.Random(SEED + 1)
    have = set(Subscriber.objects.values_list("station_id", "channel", "address"))
    confirmed = datetime.datetime(2025, 1, 10, 20, 0, tzinfo=SHANGHAI)
    new = []
    for station_id, code in stations:
        for i in range(rng.randint(*SUBSCRIBERS_PER_STATION)):
            if rng.random() < 0.7:
                channel, address = "sms", f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
            else:
                channel, address = "email", f"resident{i + 1}.{code.lower()}@example.cn"
            token = f"demo-{code.lower()}-{i + 1}-{rng.getrandbits(64):016x}"
            if (station_id, channel, address) not in have:
                have.add((station_id, channel, address))
                new.append(
                    Subscriber(
                        station_id=station_id, channel=channel, address=address, token=token, confirmed_at=confirmed
                    )
                )
    Subscriber.objects.bulk_create(new, ignore_conflicts=True)
    ctx.say(f"subscribers: {len(new)} created")


def seed_last_notices(ctx, today: datetime.date) -> None:
    """The notices of the last held month, recorded as sent when they were published."""
    held = (
        ReceptionDay.objects.filter(date__lt=today, notice_published_at__isnull=False)
        .exclude(status=ReceptionDay.Status.CANCELLED)
        .order_by("-scheduled_date")
        .values_list("scheduled_date", flat=True)
        .first()
    )
    if held is None:
        return
    days = list(
        ReceptionDay.objects.filter(scheduled_date=held, notice_published_at__isnull=False)
        .exclude(status=ReceptionDay.Status.CANCELLED)
        .select_related("station")
        .prefetch_related(duty_prefetch())
    )
    rows = [(day, row) for day in days for row in reception_rows(day)]
    Notice.objects.bulk_create(
        [
            row.as_notice(
                status=Notice.Status.SENT,
                attempts=1,
                enqueued_at=day.notice_published_at,
                sent_at=day.notice_published_at + datetime.timedelta(minutes=1),
                created_at=day.notice_published_at,
            )
            for day, row in rows
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    # The site channel's messages of deputies who have an account.
    users = {f"deputy:{d.pk}": d.user_id for day in days for d in day.duty_deputies.all() if d.user_id is not None}
    site = Notice.objects.filter(
        reception_day__in=days, channel="site", recipient__in=list(users), status=Notice.Status.SENT
    ).exclude(pk__in=InboxMessage.objects.filter(notice__isnull=False).values("notice_id"))
    InboxMessage.objects.bulk_create(
        [
            InboxMessage(
                user_id=users[n.recipient],
                station_id=n.station_id,
                notice=n,
                title=n.title,
                body=n.text,
                link=n.link,
                created_at=n.sent_at,
            )
            for n in site
        ]
    )
    ctx.say(f"notices of {held}: {len(rows)} recorded as sent")
