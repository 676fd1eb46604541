from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api.views import TokenView
from activities.api.views import ActivityPlanViewSet, ActivityViewSet, DutyReportViewSet
from core import health
from deputies.api.views import DeputyViewSet
from notices.api.views import NoticeViewSet
from portal import views as portal_views
from reports.api.views import DashboardSummaryView, EvaluationViewSet
from stations.api.views import AreaViewSet, DutyRotaViewSet, ReceptionDayViewSet, StationViewSet
from suggestions.api.views import SuggestionViewSet
from surveys.api.views import SurveyViewSet
from visits.api.ledger import LedgerExportView, LedgerImportView
from visits.api.units import ResponsibleUnitViewSet
from visits.api.views import OpinionViewSet, OutreachViewSet, PracticalMatterViewSet, VisitLogViewSet

admin.site.site_header = gettext_lazy("Deputy liaison stations: administration")
admin.site.site_title = gettext_lazy("Deputy liaison stations")
admin.site.index_title = gettext_lazy("Administration")

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("stations", StationViewSet, basename="station")
router.register("reception-days", ReceptionDayViewSet, basename="reception-day")
router.register("notices", NoticeViewSet, basename="notice")
router.register("duty-rotas", DutyRotaViewSet, basename="duty-rota")
router.register("deputies", DeputyViewSet, basename="deputy")
router.register("suggestions", SuggestionViewSet, basename="suggestion")
router.register("activities", ActivityViewSet, basename="activity")
router.register("activity-plans", ActivityPlanViewSet, basename="activity-plan")
router.register("duty-reports", DutyReportViewSet, basename="duty-report")
router.register("surveys", SurveyViewSet, basename="survey")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register("visits", VisitLogViewSet, basename="visit")
router.register("outreach", OutreachViewSet, basename="outreach")
router.register("opinions", OpinionViewSet, basename="opinion")
router.register("practical-matters", PracticalMatterViewSet, basename="practical-matter")
router.register("responsible-units", ResponsibleUnitViewSet, basename="responsible-unit")

api_urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("dashboard/summary/", DashboardSummaryView.as_view(), name="dashboard-summary"),
    # the station's ledger (visits) under stations/{code}/: before the router, so these win
    path("stations/<str:code>/ledger.xlsx", LedgerExportView.as_view(), name="station-ledger-export"),
    path("stations/<str:code>/ledger/", LedgerImportView.as_view(), name="station-ledger-import"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("robots.txt", portal_views.robots_txt, name="robots"),
    path("sitemap.xml", portal_views.sitemap_xml, name="sitemap"),
    path("api/v1/", include((api_urlpatterns, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Split view: Swagger UI's start-up script is served as a file (?script), so script-src stays 'self';
    # only its inline <style> and React's style attributes need style-src 'unsafe-inline', on this page alone.
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("desk/", include("desk.urls")),
    path("", include("reports.urls")),
    path("", include("portal.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded pictures and documents, when no reverse proxy serves MEDIA_ROOT (development, small sites).
    urlpatterns += [
        re_path(r"^media/(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
