from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import Role
from core import ratelimit
from core.api import DomainError, PublicOrScopedReadOnlyViewSet

from .. import selectors, services
from ..models import (
    ActivityPlan,
    Deputy,
    DutyReport,
    SuggestionEvent,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from .filters import ActivityFilter, ActivityPlanFilter, DeputyFilter, DutyReportFilter, SuggestionFilter, SurveyFilter
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
    SuggestionCreateSerializer,
    SuggestionDetailSerializer,
    SuggestionSerializer,
    SuggestionStaffSerializer,
    SuggestionTransitionSerializer,
    SurveyCreateSerializer,
    SurveyDetailSerializer,
    SurveyResponseSerializer,
    SurveySerializer,
    SurveyStaffSerializer,
)


class DeputyViewSet(PublicOrScopedReadOnlyViewSet):
    """Deputies. Anonymous: deputies resident at active stations, public fields. Staff: deputies of the
    stations in their scope, with mandates and memberships."""

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
    check the role); ``create`` returns the record in the read representation."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
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


@extend_schema_view(create=extend_schema(request=SuggestionCreateSerializer, responses=SuggestionStaffSerializer))
class SuggestionViewSet(PublicReadStaffWriteViewSet):
    """Deputies' suggestions (代表建议). Filters: ``year``, ``category``, ``deputy`` (lead or co-signer),
    ``station`` (code), ``status``, ``supervised``, ``answer_class``. Staff see the suggestions of their stations
    (a suggestion without a station: its lead deputy's stations). Deputies file their own (``POST``); county
    staff move them through ``transition/``."""

    public_serializer_class = SuggestionSerializer
    staff_serializer_class = SuggestionStaffSerializer
    create_serializer_class = SuggestionCreateSerializer
    filterset_class = SuggestionFilter
    ordering = "id"

    def public_queryset(self):
        return selectors.suggestion_list_base()

    def staff_queryset(self):
        return selectors.suggestion_staff_list_base()

    def get_serializer_class(self):
        if self.action == "retrieve" and self.is_staff_view:
            return SuggestionDetailSerializer
        if self.action == "transition":
            return SuggestionTransitionSerializer
        return super().get_serializer_class()

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve" and self.is_staff_view:
            queryset = queryset.prefetch_related(
                Prefetch("events", queryset=SuggestionEvent.objects.order_by("at", "id"))
            )
        return queryset

    def perform(self, data):
        user = self.request.user
        lead = data.get("lead_deputy")
        if lead is None and user.role == Role.DEPUTY:
            lead = Deputy.objects.filter(user=user).first()
        return services.suggestion_file(
            lead_deputy=lead,
            co_signers=data.get("co_signers", []),
            year=data.get("year"),
            session=data.get("session", ""),
            number=data.get("number", ""),
            title=data["title"],
            content=data["content"],
            category=data["category"],
            topics=data.get("topics"),
            station=data.get("station"),
            filed_on=data.get("filed_on"),
            source_opinions=data.get("source_opinions", []),
            by=user,
        )

    @extend_schema(request=SuggestionTransitionSerializer, responses=SuggestionDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def transition(self, request, pk=None):
        """``{"action": "assign", "unit": id}``, ``extend`` (``deadline``, ``reason``), ``answer``
        (``answer_class`` A/B/C, ``answer``), ``assess`` (``assessment``), ``supervise`` (``activity``),
        ``close`` (``reason``). A wrong status is a 409."""
        suggestion = self.get_object()
        serializer = SuggestionTransitionSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data, user = serializer.validated_data, request.user
        match data["action"]:
            case "assign":
                services.suggestion_assign(suggestion=suggestion, unit=data["unit"], by=user)
            case "extend":
                services.suggestion_extend(
                    suggestion=suggestion, deadline=data["deadline"], reason=data["reason"], by=user
                )
            case "answer":
                services.suggestion_answer(
                    suggestion=suggestion, answer_class=data["answer_class"], answer=data["answer"], by=user
                )
            case "assess":
                services.suggestion_assess(
                    suggestion=suggestion, assessment=data["assessment"], note=data.get("note", ""), by=user
                )
            case "supervise":
                services.suggestion_supervise(suggestion=suggestion, activity=data.get("activity"), by=user)
            case "close":
                services.suggestion_close(suggestion=suggestion, reason=data.get("reason", ""), by=user)
        fresh = selectors.suggestion_detail_base().get(pk=suggestion.pk)
        return Response(SuggestionDetailSerializer(fresh, context=self.get_serializer_context()).data)


@extend_schema_view(create=extend_schema(request=ActivityCreateSerializer, responses=ActivitySerializer))
class ActivityViewSet(PublicReadStaffWriteViewSet):
    """Station activities (进站活动). Filters: ``station`` (code), ``kind``, ``year``, ``date``, ``date_from``,
    ``date_to``, ``campaign``, ``deputy``. Station staff record their own; photos go to ``{id}/photos/``."""

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
        permission_classes=[permissions.IsAuthenticated],
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
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def publish(self, request, pk=None):
        plan = services.activity_plan_publish(plan=self.get_object(), by=request.user)
        return Response(ActivityPlanSerializer(self._base().get(pk=plan.pk)).data)


@extend_schema_view(create=extend_schema(request=DutyReportCreateSerializer, responses=DutyReportSerializer))
class DutyReportViewSet(PublicReadStaffWriteViewSet):
    """Duty reports (述职) at stations: by a deputy, or by the station itself (``deputy`` null). Filters:
    ``station``, ``year``, ``deputy``, ``by_station``."""

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
    @action(detail=True, methods=["get", "post"], permission_classes=[permissions.IsAuthenticated])
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
    @action(detail=False, methods=["post"], permission_classes=[], authentication_classes=[])
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
