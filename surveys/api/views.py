from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.response import Response

from core import ratelimit
from core.api import Allowed, DomainError
from deputies.api.views import PublicReadStaffWriteViewSet

from .. import selectors, services
from ..models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from .filters import SurveyFilter
from .serializers import (
    OnlineResponseSerializer,
    PaperBallotSerializer,
    SurveyCreateSerializer,
    SurveyDetailSerializer,
    SurveyResponseSerializer,
    SurveySerializer,
    SurveyStaffSerializer,
)


def _ratings(items) -> dict:
    """``[{"question": 3, "rating": "satisfied"}, …]`` → ``{3: "satisfied"}``; a question twice is a 400."""
    ratings = {}
    for item in items:
        if item["question"] in ratings:
            raise DomainError(_("Question %(q)s is answered twice.") % {"q": item["question"]}, code="duplicate")
        ratings[item["question"]] = item["rating"]
    return ratings


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
    def responses(self, request, pk=None, format=None):
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
    def respond(self, request, format=None):
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
