from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api import Allowed
from deputies.api.views import PublicReadStaffWriteViewSet

from .. import selectors, services
from ..models import ActivityPlan, DutyReport
from .filters import ActivityFilter, ActivityPlanFilter, DutyReportFilter
from .serializers import (
    ActivityCreateSerializer,
    ActivityPhotoSerializer,
    ActivityPhotoUploadSerializer,
    ActivityPlanSerializer,
    ActivityPlanWriteSerializer,
    ActivitySerializer,
    DutyReportCreateSerializer,
    DutyReportSerializer,
)


@extend_schema_view(create=extend_schema(request=ActivityCreateSerializer, responses=ActivitySerializer))
class ActivityViewSet(PublicReadStaffWriteViewSet):
    """Station activities (进站活动). Filters: ``station`` (code), ``kind``, ``year``, ``date``, ``date_from``,
    ``date_to``, ``campaign``, ``deputy``. Station staff record their own; photos go to ``{id}/photos/``."""

    permission_classes = [Allowed(read=None, write="activity.write")]
    public_serializer_class = ActivitySerializer
    staff_serializer_class = ActivitySerializer
    create_serializer_class = ActivityCreateSerializer
    filterset_class = ActivityFilter
    ordering = "id"

    def public_queryset(self):
        return selectors.activity_public_list()

    def staff_queryset(self):
        return selectors.activity_list_base()

    def perform(self, data):
        return services.activity_create(by=self.request.user, **data)

    @extend_schema(request=ActivityPhotoUploadSerializer, responses={201: ActivityPhotoSerializer})
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        serializer_class=ActivityPhotoUploadSerializer,
    )
    def photos(self, request, pk=None, format=None):
        activity = self.get_object()
        serializer = ActivityPhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        photo = services.activity_add_photo(activity=activity, by=request.user, **serializer.validated_data)
        return Response(ActivityPhotoSerializer(photo, context={"request": request}).data, status=201)


@extend_schema_view(create=extend_schema(request=ActivityPlanWriteSerializer, responses=ActivityPlanSerializer))
class ActivityPlanViewSet(PublicReadStaffWriteViewSet):
    """Yearly activity plans. Anyone reads the published ones; staff also their drafts. ``POST`` creates or
    rewrites the plan of (station, year); ``{id}/publish/`` publishes it."""

    permission_classes = [Allowed(read=None, write="activity_plan.write")]
    public_serializer_class = ActivityPlanSerializer
    staff_serializer_class = ActivityPlanSerializer
    create_serializer_class = ActivityPlanWriteSerializer
    filterset_class = ActivityPlanFilter
    ordering = "id"

    def _base(self):
        return ActivityPlan.objects.select_related("station").prefetch_related(
            Prefetch("items", queryset=selectors.plan_items_in_order())
        )

    def public_queryset(self):
        return self._base().filter(published_at__isnull=False, station__is_active=True)

    def staff_queryset(self):
        return self._base()

    def perform(self, data):
        return services.activity_plan_save(by=self.request.user, **data)

    @extend_schema(request=None, responses=ActivityPlanSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None, format=None):
        plan = services.activity_plan_publish(plan=self.get_object(), by=request.user)
        return Response(ActivityPlanSerializer(self._base().get(pk=plan.pk)).data)


@extend_schema_view(create=extend_schema(request=DutyReportCreateSerializer, responses=DutyReportSerializer))
class DutyReportViewSet(PublicReadStaffWriteViewSet):
    """Duty reports (述职) at stations: by a deputy, or by the station itself (``deputy`` null). Filters:
    ``station``, ``year``, ``deputy``, ``by_station``."""

    permission_classes = [Allowed(read=None, write="duty_report.write")]
    public_serializer_class = DutyReportSerializer
    staff_serializer_class = DutyReportSerializer
    create_serializer_class = DutyReportCreateSerializer
    filterset_class = DutyReportFilter
    ordering = "id"

    def public_queryset(self):
        return DutyReport.objects.filter(station__is_active=True).select_related("station", "deputy")

    def staff_queryset(self):
        return DutyReport.objects.select_related("station", "deputy")

    def perform(self, data):
        return services.duty_report_create(by=self.request.user, **data)
