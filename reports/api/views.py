from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import require
from core.api import Allowed, DomainError, ScopedViewSetMixin

from .. import evaluation, selectors
from ..models import EvaluationScheme, ItemScore, StationEvaluation
from .serializers import (
    ComputeSerializer,
    DashboardSummarySerializer,
    ItemScoreWriteSerializer,
    StationEvaluationSerializer,
)


class DashboardSummaryView(APIView):
    """The dashboard's headline figures for a year, from the monthly rollups, scoped to the caller."""

    permission_classes = [Allowed("dashboard.view")]

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="default: this year"),
            OpenApiParameter("area", OpenApiTypes.INT, description="an area id: its whole subtree"),
            OpenApiParameter("station", OpenApiTypes.STR, description="a station code"),
            OpenApiParameter("month_from", OpenApiTypes.INT),
            OpenApiParameter("month_to", OpenApiTypes.INT),
            OpenApiParameter("kind", OpenApiTypes.STR, description="station kind"),
        ],
        responses=DashboardSummarySerializer,
    )
    def get(self, request):
        q = request.query_params
        year = selectors.parse_year(q.get("year"))
        month_from, month_to = selectors.parse_month_range(q.get("month_from"), q.get("month_to"), year=year)
        stations = selectors.dashboard_stations(
            user=request.user, area=q.get("area"), station=q.get("station"), kind=q.get("kind")
        )
        data = selectors.summary(stations=stations, year=year, month_from=month_from, month_to=month_to)
        return Response(DashboardSummarySerializer(data).data)


class EvaluationViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Station evaluations of a year (``?year=YYYY``, required for lists), with the 26 items and their
    evidence. Station staff see their own sheet; county staff compute, score manual items and override."""

    # score: the sheet is looked up in the scope first (404), then evaluation.score is checked (403)
    permission_classes = [Allowed("evaluation.view", compute="evaluation.compute", score="evaluation.view")]
    serializer_class = StationEvaluationSerializer
    ordering = ("rank", "id")

    def get_queryset(self):
        queryset = StationEvaluation.objects.select_related("scheme", "station").prefetch_related(
            Prefetch("scores", queryset=ItemScore.objects.select_related("item__category").order_by("item__order"))
        )
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request to read
            return queryset.none()
        if self.action == "list":
            year = self.request.query_params.get("year")
            if year in (None, ""):
                raise ValidationError({"year": [_("This filter is required, e.g. ?year=2025.")]})
            year = selectors.parse_year(year)
            if not EvaluationScheme.objects.filter(year=year).exists():
                raise NotFound(_("There is no evaluation scheme for %(year)s.") % {"year": year})
            queryset = queryset.filter(scheme__year=year)
            station = self.request.query_params.get("station")
            if station:
                queryset = queryset.filter(station__code=station)
            grade = self.request.query_params.get("grade")
            if grade:
                if grade not in StationEvaluation.Grade.values:
                    raise ValidationError({"grade": [_("Unknown grade.")]})
                queryset = queryset.filter(grade=grade)
        return self.scoped_queryset(queryset)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
            OpenApiParameter("station", OpenApiTypes.STR),
            OpenApiParameter("grade", OpenApiTypes.STR, enum=StationEvaluation.Grade.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ComputeSerializer, responses={200: StationEvaluationSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def compute(self, request, format=None):
        """Recompute the year (or one station) now; refused (409) for a published year."""
        body = ComputeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            scheme = evaluation.scheme_for_year(body.validated_data["year"])
        except DomainError as exc:
            raise NotFound(exc.message) from None
        station = body.validated_data.get("station")
        if station:
            from core.access import access_station_by_code

            access_station_by_code(request.user, station)
        results = evaluation.compute_evaluation(
            scheme=scheme, station_codes=[station] if station else None, by=request.user
        )
        ids = [r.pk for r in results if not station or r.station.code == station]
        return Response(
            self.get_serializer(
                self.scoped_queryset(self.get_queryset().filter(pk__in=ids)).order_by("rank"), many=True
            ).data
        )

    @extend_schema(request=ItemScoreWriteSerializer, responses=StationEvaluationSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None, format=None):
        """Score a manual item or override an auto item (0..max, with a written reason; audited)."""
        sheet = self.get_object()  # outside the caller's scope: 404 before anything else
        require(request.user, "evaluation.score")
        body = ItemScoreWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        evaluation.set_item_score(
            evaluation=sheet,
            item_code=body.validated_data["item"],
            score=body.validated_data["score"],
            reason=body.validated_data["reason"],
            by=request.user,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=sheet.pk)).data)
