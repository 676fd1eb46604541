"""The crawl shared by ``test_crawl`` (no page answers 5xx) and ``test_language`` (one language at a time).

Every URL pattern of the project is taken from the resolver (recursing into every include: the admin site, the API
router, the apps), its path parameters are filled with real ids and codes of the demo district, and it is
requested with GET (and HEAD for anonymous visitors) as an anonymous visitor and as each demo account, in
Simplified Chinese. A pattern whose parameters nobody knows how to fill is reported (``Crawl.unmapped``, from
``UnmappedPattern``) and fails ``test_crawl``: a new URL gets a row in ``PARAMS`` below, so the crawl covers it from
the day it lands. Admin pages of a model are filled from the admin registry, API format suffixes with ``json``.

The crawl runs once per test session (``crawl_results``, a session fixture registered in ``tests/core/conftest``)
inside a transaction that is rolled back, and every request inside a savepoint of its own that is rolled back
too, so each request sees the pristine demo data and nothing leaks into other tests.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import time
import traceback
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

LANGUAGE = "zh-hans"
PROJECT_APPS = {
    "core", "accounts", "notices", "stations", "deputies", "activities", "surveys", "visits", "suggestions", "reports"
}  # fmt: skip
ROLES = ["anonymous", "admin", "county", "street", "officer", "deputy"]  # the demo accounts (password demo-pass-2026)
YEAR = "2025"  # the demo's complete year: computed evaluation, duty records, surveys


class UnmappedPattern(LookupError):
    """A URL pattern has path parameters the crawl does not know how to fill: add a row to ``PARAMS``."""


# ---------------------------------------------------------------------------------------------------------------
# Walking the resolver


@dataclass(frozen=True)
class Pattern:
    route: str  # the full route, e.g. "desk/<str:code>/ledger/" or "api/v1/^areas/(?P<pk>[^/.]+)/$"
    key: str  # "namespace:name", or the route for an unnamed pattern
    callback: Callable
    params: tuple[str, ...]  # the path parameters, in order


_PATH_PARAM = re.compile(r"(?<!\?P)<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


def walk(resolver=None, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            key = f"{namespace}:{entry.name}" if entry.name else route
            params = tuple(m["name"] for m in _PATH_PARAM.finditer(route)) + tuple(
                m["name"] for m in _REGEX_PARAM.finditer(route)
            )
            yield Pattern(route=route, key=key, callback=entry.callback, params=params)


def build_path(route: str, values: dict[str, str]) -> str:
    """The URL path of ``route`` with its parameters replaced by ``values`` (path converters and regex groups)."""
    path = _PATH_PARAM.sub(lambda m: values[m["name"]], route)
    path = _REGEX_PARAM.sub(lambda m: values[m["name"]], path)
    path = path.replace("^", "").replace("$", "").replace("/?", "/").replace("\\.", ".")
    return "/" + path


# ---------------------------------------------------------------------------------------------------------------
# Real ids and codes of the demo district, preferably inside the user's scope


def _model(label: str):
    return apps.get_model(label)


def first(label: str, user, *, order: str = "pk", **filters):
    """The first record of ``label`` the user may reach (``for_user``), else the first of all (which exercises
    the 404 of a record outside the scope)."""
    queryset = _model(label)._default_manager.filter(**filters).order_by(order)
    if user is not None and hasattr(queryset, "for_user"):
        mine = queryset.for_user(user).first()
        if mine is not None:
            return mine
    found = queryset.first()
    if found is None:
        raise AssertionError(f"the demo data has no {label} matching {filters}: the crawl cannot fill a URL")
    return found


def pk(label: str, **filters) -> Callable:
    return lambda user, pattern: [{"pk": str(first(label, user, **filters).pk)}]


def station_code(user, pattern=None) -> list[dict]:
    return [{"code": first("stations.Station", user, order="code", is_active=True).code}]


def _own_deputy(user):
    Deputy = _model("deputies.Deputy")
    own = Deputy.objects.filter(user=user).first() if user is not None else None
    return own or first("deputies.Deputy", user)


def tracking_codes(user, pattern) -> list[dict]:
    """One opinion of every status (the tracking page shows each differently)."""
    Opinion = _model("visits.Opinion")
    codes = []
    for status in Opinion._default_manager.order_by().values_list("status", flat=True).distinct():
        opinion = Opinion._default_manager.filter(status=status).order_by("pk").first()
        codes.append({"tracking_code": opinion.tracking_code})
    codes.append({"tracking_code": "NO-SUCH-CODE"})
    return codes


def inbox_message(user, pattern) -> list[dict]:
    InboxMessage = _model("notices.InboxMessage")
    message = InboxMessage.objects.filter(user=user).first() if user is not None else None
    message = message or InboxMessage.objects.order_by("pk").first()
    return [{"pk": str(message.pk if message else 1)}]


def subscriber_token(user, pattern) -> list[dict]:
    return [{"token": first("notices.Subscriber", None).token}, {"token": "no-such-token"}]


def survey_token(user, pattern) -> list[dict]:
    return [{"token": first("surveys.Survey", None, order="-pk").token}, {"token": "no-such-token"}]


def own_deputy(user, pattern) -> list[dict]:
    return [{"pk": str(_own_deputy(user).pk)}]


RECORD_KINDS = {
    "visit_log": "visits.VisitLog",
    "outreach": "visits.Outreach",
    "opinion": "visits.Opinion",
    "practical_matter": "visits.PracticalMatter",
}


def record_pk(user, pattern) -> list[dict]:
    """desk/records/<kind>/<pk>/...: a record of the kind the route names (a live one and, when the demo has
    one, a voided one)."""
    kind = re.match(r"desk/records/(\w+)/", pattern.route)
    model = _model(RECORD_KINDS[kind[1]] if kind else "visits.Opinion")
    values = [{"pk": str(first(model._meta.label, user).pk)}]
    voided = [f for f in model._meta.get_fields() if f.name == "voided_at"]
    if voided:
        dead = model._base_manager.filter(voided_at__isnull=False).order_by("pk").first()
        if dead is not None:
            values.append({"pk": str(dead.pk)})
    return values


def media_path(user, pattern) -> list[dict]:
    station = _model("stations.Station").objects.exclude(layout_picture="").order_by("pk").first()
    return [{"path": station.layout_picture.name if station else "nothing.png"}]


# Patterns with path parameters, by "namespace:name" (or route, for unnamed patterns): (user, pattern) → the list
# of values to try.
# Parameters named ``format`` (the API's suffixes) and the admin's model pages are filled generically below.
PARAMS: dict[str, Callable[[object, Pattern], list[dict]]] = {
    # media (uploaded files, served by Django when SERVE_MEDIA)
    "^media/(?P<path>.+)$": media_path,
    # the portal
    "portal:detail": station_code,
    "portal:calendar": station_code,
    "portal:station_qr": station_code,
    "portal:poster": station_code,
    "portal:station-activities": station_code,
    "portal:track": tracking_codes,
    "portal:unsubscribe": subscriber_token,
    "portal:survey-respond": survey_token,
    # the desk
    "desk:inbox_read": inbox_message,
    "desk:record": own_deputy,
    "desk:record-pdf": own_deputy,
    "desk:record-xlsx": own_deputy,
    "desk:survey-detail": pk("surveys.Survey"),
    "desk:survey-qr": pk("surveys.Survey"),
    "desk:survey-ballot": pk("surveys.Survey"),
    "desk:opinion": pk("visits.Opinion"),
    "desk:transition": pk("visits.Opinion"),
    "desk:opinion_unmask": pk("visits.Opinion"),
    "desk:visit_unmask": pk("visits.VisitLog"),
    "desk:opinion_edit": pk("visits.Opinion"),
    "desk:record_edit": record_pk,
    "desk:record_history": record_pk,
    "desk:record_restore": record_pk,
    "desk:record_undo": record_pk,
    "desk:record_void": record_pk,
    "desk:suggestion": pk("suggestions.Suggestion"),
    "desk:suggestion-edit": pk("suggestions.Suggestion"),
    "desk:suggestion-cosign": pk("suggestions.Suggestion"),
    "desk:suggestion-assign": pk("suggestions.Suggestion"),
    "desk:suggestion-extend": pk("suggestions.Suggestion"),
    "desk:suggestion-answer": pk("suggestions.Suggestion"),
    "desk:suggestion-assess": pk("suggestions.Suggestion"),
    "desk:suggestion-supervise": pk("suggestions.Suggestion"),
    "desk:suggestion-close": pk("suggestions.Suggestion"),
    "desk:station": station_code,
    "desk:visits": station_code,
    "desk:opinions": station_code,
    "desk:outreach": station_code,
    "desk:practical_matters": station_code,
    "desk:ledger": station_code,
    "desk:ledger_export": station_code,
    "desk:ledger_template": station_code,
    "desk:ledger_import": station_code,
    # reports
    "reports:evaluation_sheet": station_code,
    "reports:evaluation_score": station_code,
    "reports:evaluation_pdf": station_code,
    # the API
    "api:area-detail": pk("stations.Area"),
    "api:station-detail": station_code,
    "api:station-ledger-export": station_code,
    "api:station-ledger-import": station_code,
    "api:reception-day-detail": pk("stations.ReceptionDay"),
    "api:reception-day-cancel": pk("stations.ReceptionDay"),
    "api:reception-day-move": pk("stations.ReceptionDay"),
    "api:notice-detail": pk("notices.Notice"),
    "api:duty-rota-detail": station_code,
    "api:deputy-detail": pk("deputies.Deputy"),
    "api:suggestion-detail": pk("suggestions.Suggestion"),
    "api:suggestion-transition": pk("suggestions.Suggestion"),
    "api:activity-detail": pk("activities.Activity"),
    "api:activity-photos": pk("activities.Activity"),
    "api:activity-plan-detail": pk("activities.ActivityPlan"),
    "api:activity-plan-publish": pk("activities.ActivityPlan"),
    "api:duty-report-detail": pk("activities.DutyReport"),
    "api:survey-detail": pk("surveys.Survey"),
    "api:survey-responses": pk("surveys.Survey"),
    "api:evaluation-detail": pk("reports.StationEvaluation"),
    "api:evaluation-score": pk("reports.StationEvaluation"),
    "api:visit-detail": pk("visits.VisitLog"),
    "api:visit-history": pk("visits.VisitLog"),
    "api:visit-restore": pk("visits.VisitLog"),
    "api:visit-unmask": pk("visits.VisitLog"),
    "api:outreach-detail": pk("visits.Outreach"),
    "api:outreach-history": pk("visits.Outreach"),
    "api:outreach-restore": pk("visits.Outreach"),
    "api:opinion-detail": pk("visits.Opinion"),
    "api:opinion-history": pk("visits.Opinion"),
    "api:opinion-restore": pk("visits.Opinion"),
    "api:opinion-transition": pk("visits.Opinion"),
    "api:opinion-unmask": pk("visits.Opinion"),
    "api:practical-matter-detail": pk("visits.PracticalMatter"),
    "api:practical-matter-history": pk("visits.PracticalMatter"),
    "api:practical-matter-restore": pk("visits.PracticalMatter"),
    "api:responsible-unit-detail": pk("visits.ResponsibleUnit"),
    # the admin's own pages (its model pages are filled from the admin registry)
    "admin:view_on_site": lambda user, pattern: [
        {
            "content_type_id": str(
                _model("contenttypes.ContentType").objects.get_for_model(_model("stations.Station")).pk
            ),
            "object_id": str(first("stations.Station", user).pk),
        }
    ],
    "admin:app_list": lambda user, pattern: [
        {"app_label": label} for label in sorted({m._meta.app_label for m in admin.site._registry})
    ],
    "admin/(?P<url>.*)$": lambda user, pattern: [{"url": "no-such-page/"}],
    "admin:auth_user_password_change": lambda user, pattern: [{"id": str(first("accounts.User", user).pk)}],
}

# Query strings tried on top of the bare URL: the demo's full year, filters, and malformed input (a 400, never a
# 500). By "namespace:name".
QUERIES: dict[str, list[str]] = {
    "reports:dashboard": [
        f"year={YEAR}",
        f"year={YEAR}&station=YL-001",
        f"year={YEAR}&area=2",
        f"year={YEAR}&month_from=3&month_to=5&kind=community",
        "year=abc",
        "year=2025&month_from=13",
    ],
    "reports:dashboard_xlsx": [f"year={YEAR}", "year=abc"],
    "reports:annual_report_pdf": [f"year={YEAR}", "year=abc"],
    "reports:evaluation": [f"year={YEAR}", f"year={YEAR}&sort=total", "year=1999", "year=abc"],
    "reports:evaluation_xlsx": [f"year={YEAR}", "year=abc"],
    "reports:evaluation_sheet": [f"year={YEAR}", "year=abc"],
    "reports:evaluation_pdf": [f"year={YEAR}", "year=abc"],
    "desk:evaluation": [f"year={YEAR}", "year=abc"],
    "desk:record": [f"year={YEAR}", "year=abc"],
    "desk:record-pdf": [f"year={YEAR}"],
    "desk:record-xlsx": [f"year={YEAR}"],
    "desk:record-list": ["q=刘", "station=YL-001", "page=999"],
    "desk:activities": [f"year={YEAR}", "station=YL-002"],
    "desk:activity-plan": [f"year={YEAR}"],
    "desk:survey-list": [f"year={YEAR}", "year=abc"],
    "desk:ledger_export": ["start=2025-01&end=2025-12", "start=2025-03&end=2025-03&unmasked=1", "start=abc&end=1"],
    "portal:directory": ["q=岳麓", "page=999", "street=2"],
    "portal:opinion_new": ["station=YL-001", "station=NOPE"],
    "portal:subscribe": ["station=YL-001"],
    "portal:track_lookup": ["code=NOPE"],
    "portal:station-activities": [f"year={YEAR}", "year=abc"],
    "api:evaluation-list": [f"year={YEAR}", f"year={YEAR}&grade=excellent", "year=abc"],
    "api:station-ledger-export": [f"year={YEAR}"],
    "api:dashboard-summary": [f"year={YEAR}", f"year={YEAR}&area=2", "year=abc"],
    "api:station-list": ["page_size=5"],
    "api:opinion-list": ["status=received", "status=nonsense"],
    "admin:autocomplete": ["app_label=activities&model_name=activity&field_name=station&term=YL"],
}


def _admin_models() -> dict[tuple[str, str], type]:
    return {(m._meta.app_label, m._meta.model_name): m for m in admin.site._registry}


_ADMIN_MODEL_PAGE = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/")


def _admin_model_values(pattern: Pattern, user) -> list[dict] | None:
    """Model pages of the admin (changelist, add, change, history, delete, the bare-id redirect): the model
    comes from the route, the object from the records the user may reach."""
    match = _ADMIN_MODEL_PAGE.match(pattern.route)
    if not match or set(pattern.params) - {"object_id"}:
        return None
    model = _admin_models().get((match["app"], match["model"]))
    if model is None:
        return None
    if not pattern.params:
        return [{}]
    if not model._default_manager.exists():
        return [{"object_id": "0"}]  # a model the demo leaves empty (groups, tokens, beat schedules, rotas): 404
    obj = first(model._meta.label, user)
    return [{"object_id": str(obj.pk)}]


def values_for(pattern: Pattern, user) -> list[dict]:
    """Every set of path parameters to request ``pattern`` with, as ``user``; ``UnmappedPattern`` if unknown."""
    params = set(pattern.params) - {"format"}
    generic = {"format": ".json" if "drf_format_suffix:format" in pattern.route else "json"}
    if not params:
        return [generic if "format" in pattern.params else {}]
    if pattern.key in PARAMS:
        return [{**generic, **v} for v in PARAMS[pattern.key](user, pattern)]
    admin_values = _admin_model_values(pattern, user)
    if admin_values is not None:
        return [{**generic, **v} for v in admin_values]
    raise UnmappedPattern(
        f"{pattern.route} ({pattern.key}): the crawl does not know how to fill {sorted(params)}; "
        "add a row to PARAMS in tests/core/crawl.py"
    )


def queries_for(pattern: Pattern) -> list[str]:
    return ["", *QUERIES.get(pattern.key, [])]


# ---------------------------------------------------------------------------------------------------------------
# Requesting


@dataclass
class Result:
    role: str
    key: str
    route: str
    url: str
    method: str
    status: int
    content_type: str = ""
    location: str = ""
    seconds: float = 0.0
    error: str = ""  # the exception a 5xx came from, last lines of its traceback
    _body: bytes = field(default=b"", repr=False)

    @property
    def body(self) -> bytes:
        return zlib.decompress(self._body) if self._body else b""

    @property
    def kind(self) -> str:
        """html, pdf, xlsx or other (the language test reads the first three)."""
        if self.content_type.startswith("text/html"):
            return "html"
        if self.content_type.startswith("application/pdf"):
            return "pdf"
        if self.content_type.startswith("application/vnd.openxmlformats-officedocument.spreadsheetml"):
            return "xlsx"
        return "other"

    def __str__(self):
        return f"{self.role:9} {self.method} {self.url} → {self.status}" + (f"  [{self.error}]" if self.error else "")


@dataclass
class Crawl:
    results: list[Result]
    seconds: float
    patterns: list[Pattern]
    unmapped: list[str] = field(default_factory=list)  # patterns the crawl could not fill (UnmappedPattern)

    def for_role(self, role: str) -> list[Result]:
        return [r for r in self.results if r.role == role]


class _Rollback(Exception):
    pass


def _user(role: str):
    if role == "anonymous":
        return None
    return _model("accounts.User").objects.get(username=role)


def client_for(role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=LANGUAGE, raise_request_exception=False)
    user = _user(role)
    if user is not None:
        client.force_login(user)
    return client


def fetch(client: Client, url: str, method: str = "GET"):
    """One request in a savepoint that is rolled back: GET pages must not change anything, and the next
    request sees the same demo data whatever this one did."""
    from django.db import transaction

    response = None
    try:
        with transaction.atomic():
            response = client.generic(method, url)
            raise _Rollback
    except _Rollback:
        pass
    return response


def _error(response) -> str:
    if not getattr(response, "exc_info", None):
        return ""
    lines = traceback.format_exception(*response.exc_info)
    return " | ".join(line.strip().replace("\n", " ⏎ ") for line in lines[-3:])[-600:]


def _keep_body(response) -> bool:
    return response.status_code == 200 and (
        response.get("Content-Type", "").split(";")[0]
        in {
            "text/html",
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    )


def urls_for(pattern: Pattern, user) -> list[str]:
    urls = []
    for values in values_for(pattern, user):
        path = build_path(pattern.route, values)
        for query in queries_for(pattern):
            urls.append(f"{path}?{query}" if query else path)
    return urls


def check_resolves_to(pattern: Pattern, url: str) -> None:
    """The URL the crawl built really is the pattern under test (else the crawl tests something else)."""
    path = url.split("?")[0]
    try:
        match = resolve(path)
    except Resolver404:
        raise AssertionError(f"{url} (built for {pattern.route!r}) resolves to nothing") from None
    if match.route.replace("^", "") != pattern.route.replace("^", ""):  # Django drops the inner anchors
        raise AssertionError(f"{url} resolves to {match.route!r}, not to {pattern.route!r}")


def run_crawl(roles=ROLES) -> Crawl:
    # a 5xx is recorded with its exception (``Result.error``); the request logger would only repeat it
    with _quiet("django.request"):
        return _run_crawl(roles)


@contextlib.contextmanager
def _quiet(name: str):
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _run_crawl(roles) -> Crawl:
    started = time.monotonic()
    patterns = list(walk())
    results: list[Result] = []
    unmapped: set[str] = set()
    for role in roles:
        client = client_for(role)
        user = _user(role)
        for pattern in patterns:
            try:
                urls = urls_for(pattern, user)
            except UnmappedPattern as exc:
                unmapped.add(str(exc))
                continue
            for url in urls:
                check_resolves_to(pattern, url)
                methods = ["GET", "HEAD"] if role == "anonymous" else ["GET"]
                for method in methods:
                    tick = time.monotonic()
                    response = fetch(client, url, method)
                    tock = time.monotonic() - tick
                    content = b""
                    if method == "GET" and _keep_body(response):
                        content = zlib.compress(
                            b"".join(response.streaming_content) if response.streaming else response.content, 3
                        )
                    results.append(
                        Result(
                            role=role,
                            key=pattern.key,
                            route=pattern.route,
                            url=url,
                            method=method,
                            status=response.status_code,
                            content_type=response.get("Content-Type", ""),
                            location=response.get("Location", ""),
                            seconds=tock,
                            error=_error(response),
                            _body=content,
                        )
                    )
    return Crawl(results=results, seconds=time.monotonic() - started, patterns=patterns, unmapped=sorted(unmapped))


LAST: list[Crawl] = []  # the session's crawl, for the terminal summary (tests/core/conftest.py)


@pytest.fixture(scope="session")
def crawl_results(django_db_setup, django_db_blocker) -> Crawl:
    """The whole crawl, once per session, in a transaction rolled back at its end."""
    from django.core.cache import cache
    from django.db import transaction
    from django.utils import translation

    holder = LAST
    with django_db_blocker.unblock(), translation.override(LANGUAGE):
        try:
            with transaction.atomic():
                from django.core.management import call_command

                # A transactional test run earlier in the session may have flushed the demo district.
                call_command("seed_demo", "--if-empty", verbosity=0, stdout=io.StringIO())
                cache.clear()
                holder.append(run_crawl())
                raise _Rollback
        except _Rollback:
            pass
        cache.clear()
    return holder[0]
