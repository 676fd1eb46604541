"""Public pages: the station directory and a station's page. No login, no personal data."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from deputies.models import Deputy, Mandate

from .api.filters import MAX_SEARCH
from .models import Area, Station

DIRECTORY_PAGE_SIZE = 60


def directory(request):
    q = request.GET.get("q", "").strip()[:MAX_SEARCH]
    street_raw = request.GET.get("street", "")
    street_id = int(street_raw) if street_raw.isdigit() else None
    stations = Station.objects.active().select_related("street")
    if q:
        stations = (
            stations.filter(name__icontains=q)
            | stations.filter(address__icontains=q)
            | stations.filter(street__name__icontains=q)
        )
    if street_id:
        stations = stations.filter(street_id=street_id)
    page = Paginator(stations.order_by("code"), DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    streets = Area.objects.filter(kind__in=[Area.Kind.STREET, Area.Kind.TOWNSHIP]).order_by("code")
    return render(
        request,
        "stations/directory.html",
        {
            "page": page,
            "q": q,
            "street_id": street_id,
            "streets": streets,
            "max_search": MAX_SEARCH,
            "query": urlencode({k: v for k, v in {"q": q, "street": street_id or ""}.items() if v}),
        },
    )


def station_detail(request, code):
    station = get_object_or_404(Station.objects.active().select_related("street"), code=code)
    deputies = (
        Deputy.objects.filter(memberships__in=station.memberships.current())
        .prefetch_related(Prefetch("mandates", queryset=Mandate.objects.order_by("level")))
        .order_by("name")
    )
    return render(request, "stations/detail.html", {"station": station, "deputies": deputies})
