from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response

from core.access import Role, effective_role, has_permission
from core.api import Allowed
from deputies.api.views import PublicReadStaffWriteViewSet
from deputies.models import Deputy

from .. import selectors, services
from ..models import SuggestionEvent
from .filters import SuggestionFilter
from .serializers import (
    SuggestionCreateSerializer,
    SuggestionDetailSerializer,
    SuggestionSerializer,
    SuggestionStaffSerializer,
    SuggestionTransitionSerializer,
)

# The workflow names the permission of each action (suggestions.services.WORKFLOW).
TRANSITION_PERMISSIONS = {action: step.permission for action, step in services.WORKFLOW.steps.items()}


class TransitionAllowed(Allowed(read=None, write="suggestion.file")):
    """Anyone reads the public fields; filing is ``suggestion.file``; ``transition/`` needs the permission of the
    action asked for (``{"action": "assign"}``: ``suggestion.assign``, …). The services check it again, with the
    lead deputy's own rules."""

    names = {"read": None, "write": "suggestion.file", **TRANSITION_PERMISSIONS}

    def has_permission(self, request, view):
        if getattr(view, "action", None) != "transition":
            return super().has_permission(request, view)
        if not (request.user and request.user.is_authenticated):
            raise NotAuthenticated()
        asked = request.data.get("action") if hasattr(request.data, "get") else None
        if not isinstance(asked, str) or asked not in TRANSITION_PERMISSIONS:
            return True  # not an action of the workflow (or not even a string): the serializer answers 400
        return has_permission(request.user, TRANSITION_PERMISSIONS[asked])


@extend_schema_view(create=extend_schema(request=SuggestionCreateSerializer, responses=SuggestionStaffSerializer))
class SuggestionViewSet(PublicReadStaffWriteViewSet):
    """Deputies' suggestions (代表建议). Filters: ``year``, ``category``, ``deputy`` (lead or co-signer),
    ``station`` (code), ``status``, ``supervised``, ``answer_class``. Staff see the suggestions of their stations
    (a suggestion without a station: its lead deputy's stations). Deputies file their own (``POST``); county
    staff move them through ``transition/``."""

    permission_classes = [TransitionAllowed]
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
        if lead is None and effective_role(user) == Role.DEPUTY:
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
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None, **kwargs):
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
