"""Public pages: the station directory and map, a station's page, display preferences, sitemap and robots.

No login and no personal data of visitors. The directory and station pages are cached whole and answer
conditional requests (``ETag``/``Last-Modified``) from the cache versions in ``portal.cache``.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from core.pages import public_page
from stations.api.filters import MAX_SEARCH
from stations.models import Area, Station

from . import cache as page_cache
from . import selectors as portal_selectors

DIRECTORY_PAGE_SIZE = 60
TEXT_SIZE_COOKIE = "portal_text"
TEXT_SIZES = ("normal", "large")
PREFERENCE_COOKIE_AGE = 365 * 24 * 3600
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")


def text_size(request) -> str:
    return "large" if request.COOKIES.get(TEXT_SIZE_COOKIE) == "large" else "normal"


def _personalised(request) -> bool:
    """Whether this request's page may differ per person: the header shows a signed-in account, or flash messages
    wait to be shown. Such pages are rendered fresh and never cached."""
    if "messages" in request.COOKIES:
        return True
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


def _set_validators(response, key: page_cache.PageKey) -> None:
    response["ETag"] = key.etag
    response["Last-Modified"] = http_date(int(key.last_modified))
    # Stored anywhere but revalidated every time: the ETag changes with the data, the language and text size.
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ("Cookie",))


def cached_page(request, *, name: str, scopes: tuple[str, ...], variant: tuple = (), render_page):
    """Answer from the page cache: 304 when the client's copy is current, the stored HTML when there is one,
    otherwise ``render_page()`` (stored when it is a 200)."""
    if _personalised(request):
        response = render_page()
        patch_cache_control(response, private=True, no_cache=True)
        return response
    key = page_cache.page_key(name, scopes=scopes, variant=(get_language(), text_size(request), *variant))
    not_modified = get_conditional_response(request, etag=key.etag, last_modified=int(key.last_modified))
    if not_modified is not None:
        _set_validators(not_modified, key)
        return not_modified
    html = page_cache.get_page(key)
    if html is None:
        response = render_page()
        if response.status_code == 200:
            page_cache.set_page(key, response.content.decode())
    else:
        response = HttpResponse(html)
    _set_validators(response, key)
    return response


def url_with_query(name: str, *args, query: dict | None = None) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def clean_search(raw: str) -> str:
    """Search text as typed, minus control characters (a NUL would break PostgreSQL), cut to MAX_SEARCH."""
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in raw[: MAX_SEARCH * 4])
    return " ".join(text.split())[:MAX_SEARCH]


def directory_filters(params) -> portal_selectors.DirectoryFilters:
    """Filters from the query string; anything malformed is ignored rather than an error."""
    street = params.get("street", "")
    kind = params.get("kind", "")
    return portal_selectors.DirectoryFilters(
        q=clean_search(params.get("q", "")),
        street_id=int(street) if street.isdigit() and len(street) < 12 else None,
        kind=kind if kind in Station.Kind.values else "",
    )


def _page_number(params) -> int:
    raw = params.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 6 else 1


def _map_point(station) -> dict | None:
    if station.latitude is None or station.longitude is None:
        return None
    return {
        "code": station.code,
        "name": station.name,
        "lat": float(station.latitude),
        "lon": float(station.longitude),
        "street": station.street.name if station.street_id else "",
        "url": reverse("portal:detail", args=[station.code]),
        "next": station.next_date.isoformat() if station.next_date else None,
        "match": bool(station.matches),
    }


def directory_text() -> dict[str, str]:
    """Messages the directory's script shows (map and "nearest to me"), in the page's language."""
    return {
        "km": _("%(d)s km away"),
        "m": _("%(d)s m away"),
        "nearest": _("Stations nearest to you"),
        "locating": _("Finding your location…"),
        "denied": _("Your location is not available (permission refused or no signal). Search by street instead."),
        "unsupported": _("This browser cannot give your location. Search by street instead."),
        "next": _("Next reception day:"),
        "none": _("not scheduled yet"),
    }


@public_page
@require_safe
def directory(request):
    filters = directory_filters(request.GET)
    page_number = _page_number(request.GET)

    def render_page():
        today = timezone.localdate()
        stations = portal_selectors.directory_stations(filters=filters, today=today)
        matching = [s for s in stations if s.matches]
        page = Paginator(matching, DIRECTORY_PAGE_SIZE).get_page(page_number)
        streets = Area.objects.filter(kind__in=[Area.Kind.STREET, Area.Kind.TOWNSHIP]).order_by("code")
        query = {"q": filters.q, "street": filters.street_id or "", "kind": filters.kind}
        return render(
            request,
            "portal/directory.html",
            {
                "page": page,
                "filters": filters,
                "streets": list(streets.only("name", "name_en")),
                "kinds": Station.Kind.choices,
                "max_search": MAX_SEARCH,
                "total": len(stations),
                "query": urlencode({k: v for k, v in query.items() if v}),
                "map_points": [p for p in map(_map_point, stations) if p],
                "today": today,
                "directory_text": directory_text(),
            },
        )

    if filters.q:  # free text: not worth a cache entry per spelling
        response = render_page()
        patch_cache_control(response, no_cache=True)
        return response
    return cached_page(
        request,
        name="directory",
        scopes=(page_cache.STATIONS, page_cache.RECEPTION),
        variant=(filters.street_id, filters.kind, page_number),
        render_page=render_page,
    )


def station_links(station) -> dict[str, str | None]:
    """Links to the forms and files the portal serves for a station."""
    code = station.code
    survey_token = getattr(station, "survey_token", None)
    return {
        "opinion": url_with_query("portal:opinion_new", query={"station": code}),
        "track": url_with_query("portal:track_lookup"),
        "subscribe": url_with_query("portal:subscribe", query={"station": code}),
        "calendar": url_with_query("portal:calendar", code),
        "qr": url_with_query("portal:station_qr", code),
        "poster": url_with_query("portal:poster", code),
        "activities": url_with_query("portal:station-activities", code),
        "survey": url_with_query("portal:survey-respond", survey_token) if survey_token else None,
    }


@public_page
@require_safe
def station_detail(request, code):
    if not CODE_RE.match(code):
        raise Http404("No such station")
    if code != code.upper():
        return redirect("portal:detail", code.upper(), permanent=True)

    def render_page():
        today = timezone.localdate()
        page = portal_selectors.station_page(code=code, today=today)
        return render(
            request,
            "portal/detail.html",
            {"page": page, "station": page.station, "links": station_links(page.station), "today": today},
        )

    return cached_page(
        request,
        name=f"station:{code}",
        scopes=(page_cache.STATIONS, page_cache.station_scope(code)),
        render_page=render_page,
    )


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


# CSRF-exempt on purpose: it only sets display preferences (language, text size) in cookies, which a forged request
# cannot turn into harm; a CSRF token in the header would make the public pages impossible to cache.
@public_page
@csrf_exempt
@require_POST
def preferences(request):
    """Set the language and/or the large-text mode (适老化) in cookies, then go back to ``next``."""
    response = HttpResponseRedirect(_safe_next(request, request.POST.get("next")))
    response.status_code = 303
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=PREFERENCE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite="Lax",
        )
    size = request.POST.get("text_size", "")
    if size in TEXT_SIZES:
        response.set_cookie(TEXT_SIZE_COOKIE, size, max_age=PREFERENCE_COOKIE_AGE, samesite="Lax")
    return response


@public_page
@require_safe
def sitemap_xml(request):
    def render_page():
        base = request.build_absolute_uri("/").rstrip("/")
        content = render_to_string(
            "portal/sitemap.xml", {"base": base, "stations": portal_selectors.sitemap_stations()}
        )
        return HttpResponse(content, content_type="application/xml; charset=utf-8")

    response = cached_page(
        request, name=f"sitemap:{request.get_host()}", scopes=(page_cache.STATIONS,), render_page=render_page
    )
    response["Content-Type"] = "application/xml; charset=utf-8"
    return response


# Staff areas, personal pages (a tracking code, a subscription token) and forms are no use in a search index.
ROBOTS_DISALLOW = [
    "/admin/",
    "/desk/",
    "/dashboard/",
    "/api/",
    "/i18n/",
    "/preferences/",
    "/track/",
    "/opinions/",
    "/subscribe/",
    "/surveys/",
    "/inbox/",
]


@public_page
@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /", ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
