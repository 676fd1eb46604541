"""Caching of the public portal's pages, with versions that writes bump.

Each public page is cached whole (rendered HTML) under a key made of the *versions* of the data it shows, the
language, the text size and today's date (the "next reception day" and "this year" change at midnight):

- ``stations``: any station or area changed (names, addresses, codes, activity) — every page depends on it;
- ``reception``: any reception day changed — the directory shows each station's next day;
- ``station:<code>``: anything shown on that station's page changed (its staff, resident deputies and their
  mandates, reception days and duty deputies, activities and plans, visit logs and opinions for the figures).

A version is a number (microseconds since the epoch) kept in the cache. Writes bump it through the model
signals connected in ``connect_signals`` (called from ``StationsConfig.ready``), so a page is never served stale
after a ``save()``/``delete()``; bulk writes (``bulk_create``, ``QuerySet.update``) send no signal: their
callers should call ``bump_station`` / ``bump_all``, and pages expire after ``PAGE_TTL`` anyway.
A version that is missing (evicted, expired) is recreated with the current time, which never equals an older
value, so losing a version only costs a miss, never a stale page. Bumps (and the look-ups they need, e.g. the
stations a deputy sits in) run when the writing transaction commits: a request that read the old rows before
the commit cannot keep them cached, and a write costs no extra query inside its transaction.

The same key gives the page's ``ETag``, and the newest version (or midnight) its ``Last-Modified``, so a
conditional request is answered ``304`` without touching the database.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

PAGE_TTL = 10 * 60  # seconds: the safety net for writes that send no signal
VERSION_TTL = 24 * 3600
PREFIX = "portal:"
# Bump when templates or the page's data change shape, so a deploy does not serve pages cached by the old code.
GENERATION = 1

STATIONS = "stations"
RECEPTION = "reception"


def station_scope(code: str) -> str:
    return f"station:{code}"


def _version_key(scope: str) -> str:
    return f"{PREFIX}v:{scope}"


def _now() -> int:
    return time.time_ns() // 1000


def versions(*scopes: str) -> tuple[int, ...]:
    """The current version of each scope (one cache round trip; missing ones are created)."""
    keys = [_version_key(s) for s in scopes]
    found = cache.get_many(keys)
    result = []
    for key in keys:
        value = found.get(key)
        if value is None:
            cache.add(key, _now(), VERSION_TTL)
            value = cache.get(key) or _now()
        result.append(value)
    return tuple(result)


def _bump_now(scopes: Iterable[str]) -> None:
    now = _now()
    cache.set_many({_version_key(s): now for s in set(scopes)}, VERSION_TTL)


def _after_commit(function, *args) -> None:
    """Run ``function(*args)`` once the current transaction commits (at once in autocommit mode)."""
    transaction.on_commit(lambda: function(*args))


def bump(*scopes: str) -> None:
    """Invalidate every page depending on ``scopes`` when the current transaction commits."""
    if scopes:
        _after_commit(_bump_now, scopes)


def bump_station(*codes: str) -> None:
    """Call after writing a station's data without model signals (bulk_create, update)."""
    bump(*(station_scope(c) for c in codes if c))


def bump_all() -> None:
    """Call after bulk writes touching many stations (e.g. generating or publishing reception days)."""
    bump(STATIONS, RECEPTION)


@dataclass(frozen=True)
class PageKey:
    """Identifies one rendered variant of one page; gives its cache key, ETag and Last-Modified."""

    name: str
    versions: tuple[int, ...]
    variant: tuple
    today: datetime.date

    @property
    def digest(self) -> str:
        raw = repr((GENERATION, self.name, self.versions, self.variant, self.today.isoformat()))
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    @property
    def cache_key(self) -> str:
        return f"{PREFIX}page:{self.digest}"

    @property
    def etag(self) -> str:
        return f'"{self.digest}"'

    @property
    def last_modified(self) -> float:
        """Seconds since the epoch: the newest version, or today's midnight if later (dates roll over)."""
        midnight = datetime.datetime.combine(self.today, datetime.time.min, tzinfo=timezone.get_current_timezone())
        return max([v / 1_000_000 for v in self.versions] + [midnight.timestamp()])


def page_key(name: str, *, scopes: tuple[str, ...], variant: tuple) -> PageKey:
    return PageKey(name=name, versions=versions(*scopes), variant=variant, today=timezone.localdate())


def get_page(key: PageKey) -> str | None:
    return cache.get(key.cache_key)


def set_page(key: PageKey, content: str) -> None:
    cache.set(key.cache_key, content, PAGE_TTL)


# --- invalidation: receivers defer their look-ups and bumps until the commit ---------------------------------


def _codes_of_stations(station_ids: Iterable[int]) -> list[str]:
    Station = apps.get_model("stations", "Station")
    ids = {i for i in station_ids if i}
    return list(Station.objects.filter(pk__in=ids).values_list("code", flat=True)) if ids else []


def _bump_station_ids(station_ids: Iterable[int], *also: str) -> None:
    _bump_now([*(station_scope(c) for c in _codes_of_stations(station_ids)), *also])


def _stations_of_deputies(deputy_ids: Iterable[int]) -> set[int]:
    Membership = apps.get_model("stations", "Membership")
    ReceptionDay = apps.get_model("stations", "ReceptionDay")
    ids = set(deputy_ids)
    resident = Membership.objects.filter(deputy_id__in=ids).values_list("station_id", flat=True)
    on_duty = ReceptionDay.objects.filter(
        duty_deputies__in=ids, date__gte=timezone.localdate() - datetime.timedelta(days=1)
    ).values_list("station_id", flat=True)
    return set(resident) | set(on_duty)


def _bump_deputies(deputy_ids: Iterable[int]) -> None:
    _bump_station_ids(_stations_of_deputies(deputy_ids))


def _bump_plan(plan_id: int) -> None:
    ActivityPlan = apps.get_model("activities", "ActivityPlan")
    _bump_station_ids(ActivityPlan.objects.filter(pk=plan_id).values_list("station_id", flat=True))


def _bump_staff_user(user_id: int) -> None:
    StationStaff = apps.get_model("stations", "StationStaff")
    _bump_station_ids(StationStaff.objects.filter(user_id=user_id).values_list("station_id", flat=True))


def _on_station(sender, instance, **kwargs):
    # A station's name or code shows on the directory and the sitemap; a changed code also retires the old page.
    bump(STATIONS, RECEPTION, station_scope(instance.code))


def _on_area(sender, instance, **kwargs):
    bump(STATIONS)


def _on_station_row(sender, instance, **kwargs):
    """Rows with a ``station`` foreign key: staff, memberships, activities, plans, visit logs, opinions."""
    _after_commit(_bump_station_ids, [instance.station_id])


def _on_reception_day(sender, instance, **kwargs):
    _after_commit(_bump_station_ids, [instance.station_id], RECEPTION)


def _on_duty_deputies(sender, instance, action="", pk_set=None, **kwargs):
    if not action.startswith("post_"):
        return
    ReceptionDay = apps.get_model("stations", "ReceptionDay")
    if isinstance(instance, ReceptionDay):
        _after_commit(_bump_station_ids, [instance.station_id])
    else:  # changed from the deputy's side
        _after_commit(_bump_deputies, [instance.pk])


def _on_deputy(sender, instance, **kwargs):
    _after_commit(_bump_deputies, [instance.pk])


def _on_mandate(sender, instance, **kwargs):
    _after_commit(_bump_deputies, [instance.deputy_id])


def _on_plan_item(sender, instance, **kwargs):
    _after_commit(_bump_plan, instance.plan_id)


def _on_user(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # signing in changes nothing shown publicly
    _after_commit(_bump_staff_user, instance.pk)


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:  # the app that brings it has not landed: nothing of it is shown yet
        return None


SAVE_AND_DELETE = (post_save, post_delete)

RECEIVERS = {
    "stations.Station": _on_station,
    "stations.Area": _on_area,
    "stations.StationStaff": _on_station_row,
    "stations.Membership": _on_station_row,
    "stations.ReceptionDay": _on_reception_day,
    "deputies.Deputy": _on_deputy,
    "deputies.Mandate": _on_mandate,
    "activities.Activity": _on_station_row,
    "activities.ActivityPlan": _on_station_row,
    "activities.ActivityPlanItem": _on_plan_item,
    "visits.VisitLog": _on_station_row,
    "visits.Opinion": _on_station_row,
}


def _on_records_changed(sender, station_ids=None, months=None, **kwargs):
    """Writes without model signals (``core.hooks.records_changed``): the pages of those stations, or all."""
    if station_ids is None:
        bump_all()
    else:
        bump(*(station_scope(c) for c in _codes_of_stations(station_ids)), RECEPTION)


def connect_signals() -> None:
    from core import hooks

    hooks.changed.connect(_on_records_changed, weak=False, dispatch_uid="portal-cache-records-changed")
    """Connect the invalidation receivers for every model the portal shows (those that exist)."""
    for label, receiver in RECEIVERS.items():
        model = _model(label)
        if model is None:
            continue
        for signal in SAVE_AND_DELETE:
            signal.connect(receiver, sender=model, dispatch_uid=f"portal-cache-{label}-{signal is post_save}")
    ReceptionDay = _model("stations.ReceptionDay")
    m2m_changed.connect(
        _on_duty_deputies, sender=ReceptionDay.duty_deputies.through, dispatch_uid="portal-cache-duty-deputies"
    )
    post_save.connect(_on_user, sender=apps.get_model("accounts", "User"), dispatch_uid="portal-cache-user")
