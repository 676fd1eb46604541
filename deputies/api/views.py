from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core import ratelimit
from core.api import Allowed, DomainError, PublicOrScopedReadOnlyViewSet

from .. import selectors, services
from ..models import (
    ActivityPlan,
    DutyReport,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from .filters import ActivityFilter, ActivityPlanFilter, DeputyFilter, DutyReportFilter, SurveyFilter
from .serializers import (
    ActivityCreateSerializer,
    ActivityPhotoSerializer,
    ActivityPhotoUploadSerializer,
    ActivityPlanSerializer,
    ActivityPlanWriteSerializer,
    ActivitySerializer,
    DeputyPublicSerializer,
    DeputyStaffViewSerializer,
    DutyReportCreateSerializer,
    DutyReportSerializer,
    OnlineResponseSerializer,
    PaperBallotSerializer,
    SurveyCreateSerializer,
    SurveyDetailSerializer,
    SurveyResponseSerializer,
    SurveySerializer,
    SurveyStaffSerializer,
)


class DeputyViewSet(PublicOrScopedReadOnlyViewSet):
    """Deputies. Anonymous: deputies resident at active stations, public fields. Staff: deputies of the
    stations in their scope, with mandates and memberships."""

    permission_classes = [Allowed()]  # public fields for anyone; the scope decides what staff see
    public_serializer_class = DeputyPublicSerializer
    staff_serializer_class = DeputyStaffViewSerializer
    filterset_class = DeputyFilter
    ordering = "id"

    def public_queryset(self):
        return selectors.deputy_public_list()

    def staff_queryset(self):
        return selectors.deputy_staff_base()


# --- deputies' work -------------------------------------------------------------------------------------------


def _ratings(items) -> dict:
    """``[{"question": 3, "rating": "satisfied"}, …]`` → ``{3: "satisfied"}``; a question twice is a 400."""
    ratings = {}
    for item in items:
        if item["question"] in ratings:
            raise DomainError(_("Question %(q)s is answered twice.") % {"q": item["question"]}, code="duplicate")
        ratings[item["question"]] = item["rating"]
    return ratings


class PublicReadStaffWriteViewSet(mixins.CreateModelMixin, PublicOrScopedReadOnlyViewSet):
    """Anyone reads the public fields; signed-in users read their scope and write through services (which
    check the role and the station again); ``create`` returns the record in the read representation. Each
    subclass names its permissions of the table (``permission_classes = [Allowed(write=...)]``)."""

    permission_classes = [Allowed(read=None, write=None)]  # each subclass names its own
    create_serializer_class = None
    read_serializer_class = None

    def get_serializer_class(self):
        if self.action == "create":
            return self.create_serializer_class
        return super().get_serializer_class()

    def perform(self, data):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = self.perform(serializer.validated_data)
        record = self.staff_queryset().get(pk=record.pk)
        body = self.staff_serializer_class(record, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


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

    @extend_schema(request=ActivityPhotoUploadSerializer, responses=ActivityPhotoSerializer)
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        serializer_class=ActivityPhotoUploadSerializer,
    )
    def photos(self, request, pk=None):
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
    def publish(self, request, pk=None):
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


@extend_schema_view(create=extend_schema(request=SurveyCreateSerializer, responses=SurveyStaffSerializer))
class SurveyViewSet(PublicReadStaffWriteViewSet):
    """Year-end satisfaction surveys (满意度测评), one per station and year, with participants and satisfaction
    rate ((very satisfied + satisfied) / all answers, percent). Filters ``year``, ``station``. Staff see the
    public link; ``{id}/responses/`` lists the ballots (no personal data) and takes paper ballots;
    ``respond/`` is the public online ballot (one per phone, rate-limited)."""

    permission_classes = [Allowed(read=None, write="survey.write", responses="survey.view", respond=None)]
    public_serializer_class = SurveySerializer
    staff_serializer_class = SurveyStaffSerializer
    create_serializer_class = SurveyCreateSerializer
    filterset_class = SurveyFilter
    ordering = "id"

    def public_queryset(self):
        return selectors.survey_list_base().filter(station__is_active=True)

    def staff_queryset(self):
        return selectors.survey_list_base()

    def get_serializer_class(self):
        if self.action == "retrieve" and self.is_staff_view:
            return SurveyDetailSerializer
        if self.action == "responses":
            return SurveyResponseSerializer
        return super().get_serializer_class()

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve" and self.is_staff_view:
            queryset = queryset.prefetch_related(
                Prefetch("questions", queryset=SurveyQuestion.objects.select_related("deputy"))
            )
        return queryset

    def perform(self, data):
        return services.survey_create(by=self.request.user, **data)

    @extend_schema(methods=["get"], responses=SurveyResponseSerializer(many=True), filters=False, parameters=[])
    @extend_schema(methods=["post"], request=PaperBallotSerializer, responses=SurveyResponseSerializer)
    @action(detail=True, methods=["get", "post"])
    def responses(self, request, pk=None):
        """GET: the survey's ballots, without personal data (not even the phone hash). POST: enter one paper
        ballot ``{"answers": [{"question": id, "rating": "satisfied"}, …]}``."""
        survey = self.get_object()
        if request.method == "POST":
            serializer = PaperBallotSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            ballot = services.survey_record_paper_ballot(
                survey=survey, ratings=_ratings(serializer.validated_data["answers"]), by=request.user
            )
            ballot = SurveyResponse.objects.prefetch_related("answers__question").get(pk=ballot.pk)
            return Response(SurveyResponseSerializer(ballot).data, status=status.HTTP_201_CREATED)
        ballots = SurveyResponse.objects.filter(survey=survey).prefetch_related(
            Prefetch("answers", queryset=SurveyAnswer.objects.select_related("question").order_by("question_id"))
        )
        page = self.paginate_queryset(ballots)
        return self.get_paginated_response(SurveyResponseSerializer(page, many=True).data)

    @extend_schema(request=OnlineResponseSerializer, responses={201: None})
    @action(detail=False, methods=["post"], authentication_classes=[])
    def respond(self, request):
        """The public online ballot: ``{"token", "phone", "answers": [{"question", "rating"}, …]}``. One per
        phone; the number is only kept as a salted hash; nothing is echoed back."""
        serializer = OnlineResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        survey = Survey.objects.filter(token=data["token"], station__is_active=True).first()
        if survey is None:
            raise NotFound(_("No such survey."))
        if not ratelimit.hit("survey-submit", request=request, key=str(survey.pk)).allowed:
            raise Throttled(detail=_("Too many ballots from here; please try again later."))
        services.survey_respond_online(survey=survey, phone=data["phone"], ratings=_ratings(data["answers"]))
        return Response({"detail": _("Thank you: your ballot is recorded.")}, status=status.HTTP_201_CREATED)
