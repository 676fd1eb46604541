"""API of the station ledger: visit logs, outreach, opinions (with their workflow), practical matters."""

from dataclasses import asdict

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import Allowed, ScopedViewSetMixin

from .. import selectors, services, trail
from ..models import Opinion, Outreach, PracticalMatter, VisitLog
from .filters import OpinionFilter, OutreachFilter, PracticalMatterFilter, VisitLogFilter
from .serializers import (
    OpinionCorrectionSerializer,
    OpinionCreateSerializer,
    OpinionDetailSerializer,
    OpinionSerializer,
    OpinionSubmittedSerializer,
    OutreachSerializer,
    PracticalMatterSerializer,
    ReasonSerializer,
    TransitionSerializer,
    UnmaskSerializer,
    VisitLogSerializer,
)
from .throttles import SUBMIT_THROTTLES


class TrailStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    reason = serializers.CharField()
    changes = serializers.ListField(child=serializers.DictField())


def void_reason(request) -> str:
    """The reason of a DELETE: in the JSON body ``{"reason": ...}`` or in the query string ``?reason=``."""
    body = request.data if isinstance(request.data, dict) else {}
    return str(body.get("reason") or request.query_params.get("reason") or "")


class CorrectableMixin:
    """PATCH corrects a record through ``services.record_update``; DELETE voids it with a reason (204);
    ``restore`` brings a voided one back (county staff); ``history`` is its trail."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    fixed_fields = ("station", "deputy")  # who and where a record belongs to is not corrected, it is re-entered

    model = None  # the correctable model

    def get_queryset(self):
        if self.action == "restore":
            return self.model.all_objects.for_user(self.request.user)
        return self.base_queryset()

    def perform_update(self, serializer):
        instance = serializer.instance
        changes = dict(serializer.validated_data)
        for name in self.fixed_fields:
            if name in changes and changes[name] == getattr(instance, name, None):
                changes.pop(name)
        reason = changes.pop("reason", "") if "reason" in changes else self.request.data.get("reason", "")
        services.record_update(by=self.request.user, record=instance, reason=reason or "", **changes)

    output_serializer_class = None  # what a PATCH answers with (default: the viewset's serializer)

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        fresh = self.base_queryset().get(pk=kwargs["pk"])
        output = self.output_serializer_class or self.get_serializer_class()
        return Response(output(fresh, context=self.get_serializer_context()).data)

    def perform_destroy(self, instance):
        services.record_void(by=self.request.user, record=instance, reason=void_reason(self.request))

    @extend_schema(request=ReasonSerializer, responses={200: None})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None, **kwargs):
        """Bring a voided record back into every list and figure (county staff; the voider within minutes)."""
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.record_restore(by=request.user, record=self.get_object(), **serializer.validated_data)
        output = self.output_serializer_class or self.get_serializer_class()
        return Response(output(record, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: TrailStepSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, documented as one
    def history(self, request, pk=None, **kwargs):
        """Every version of the record: who, when, what, why, and each changed field before and after."""
        steps = trail.record_trail(user=request.user, record=self.get_object())
        return Response(
            TrailStepSerializer([asdict(step) | {"action_label": step.action_label} for step in steps], many=True).data
        )


class _LedgerViewSet(
    CorrectableMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create, correct (PATCH) and void (DELETE with a reason) records of the stations in the
    user's scope."""

    ordering = "-id"
    create_service = None  # services.<kind>_create, called with the validated fields and ``by``

    def perform_create(self, serializer):
        # The serializer only validates; the service writes (and checks scope and role).
        serializer.instance = type(self).create_service(by=self.request.user, **serializer.validated_data)


class VisitLogViewSet(_LedgerViewSet):
    """Visit logs (接待记录). Filters: ``station``, ``date_from``, ``date_to``, ``year``, ``reception_day``."""

    # unmask: the record is looked up in the scope first (404), then the service checks personal_data.unmask
    permission_classes = [
        Allowed(
            "ledger.view", "visit_log.write", unmask="ledger.view", history="record.trail.view", restore="ledger.view"
        )
    ]
    serializer_class = VisitLogSerializer
    filterset_class = VisitLogFilter
    create_service = services.visit_log_create
    model = VisitLog

    def base_queryset(self):
        return selectors.visit_log_list(user=self.request.user)

    @extend_schema(request=UnmaskSerializer, responses={200: OpenApiResponse(description="name and phone")})
    @action(detail=True, methods=["post"])
    def unmask(self, request, pk=None, **kwargs):
        """The visitor's name and phone in full, for county staff allowed to unmask; the look is logged."""
        serializer = UnmaskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(services.unmask_record(user=request.user, record=self.get_object(), **serializer.data))


class OutreachViewSet(_LedgerViewSet):
    """Deputies' outreach visits (走访选民). Filters: ``station``, ``deputy``, ``date_from``, ``date_to``, ``year``."""

    permission_classes = [Allowed("ledger.view", "outreach.write", history="record.trail.view", restore="ledger.view")]
    serializer_class = OutreachSerializer
    filterset_class = OutreachFilter
    create_service = services.outreach_create
    model = Outreach

    def base_queryset(self):
        return selectors.outreach_list(user=self.request.user)


class PracticalMatterViewSet(_LedgerViewSet):
    """Practical matters done for residents (为群众办实事)."""

    permission_classes = [
        Allowed("ledger.view", "practical_matter.write", history="record.trail.view", restore="ledger.view")
    ]
    serializer_class = PracticalMatterSerializer
    filterset_class = PracticalMatterFilter
    create_service = services.practical_matter_create
    model = PracticalMatter

    def base_queryset(self):
        return selectors.practical_matter_list(user=self.request.user)


class OpinionViewSet(
    CorrectableMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Opinions (群众意见) and their closed loop. Anyone may submit one (channel ``online``, rate-limited per
    IP); staff list, read and move them through ``transition``."""

    # create is open: a citizen submits online (rate-limited); staff are checked by opinion_create (opinion.create).
    # transition and unmask: the opinion is looked up in the scope first (404), then the service checks the
    # action's permission (opinion.register, ...) or personal_data.unmask (403).
    # PATCH (content, channel, category) and DELETE (void, with a reason) until the opinion is assigned.
    permission_classes = [
        Allowed(
            "ledger.view",
            None,
            transition="ledger.view",
            unmask="ledger.view",
            partial_update="opinion.create",
            destroy="opinion.create",
            restore="ledger.view",
            history="record.trail.view",
        )
    ]
    filterset_class = OpinionFilter
    ordering = "-id"
    model = Opinion
    output_serializer_class = OpinionSerializer

    def get_throttles(self):
        if self.action == "create" and not self.request.user.is_authenticated:
            return [throttle() for throttle in SUBMIT_THROTTLES]
        return super().get_throttles()

    def base_queryset(self):
        if self.action == "retrieve":
            return selectors.opinion_detail(user=self.request.user)
        return selectors.opinion_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return OpinionCreateSerializer
        if self.action == "retrieve":
            return OpinionDetailSerializer
        if self.action == "transition":
            return TransitionSerializer
        if self.action in ("partial_update", "update"):
            return OpinionCorrectionSerializer
        if self.action == "unmask":
            return UnmaskSerializer
        return OpinionSerializer

    @extend_schema(responses={201: OpinionSubmittedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        fields.pop("website", None)  # the honeypot, already checked by the serializer
        by = request.user if request.user.is_authenticated else None
        if by is None:  # a citizen online: no deputy, no visit log
            fields.pop("deputy", None)
            fields.pop("visit_log", None)
        submitted = services.opinion_create(by=by, **fields)
        opinion = submitted.opinion
        body = {
            "tracking_code": opinion.tracking_code,
            "status": opinion.status,
            "station": opinion.station.code,
            "received_at": opinion.received_at,
            "register_due": opinion.register_due,
            "rating_key": submitted.rating_key,
            "track_url": request.build_absolute_uri(reverse("portal:track", args=[opinion.tracking_code])),
        }
        data = dict(OpinionSubmittedSerializer(body).data)
        if request.user.is_authenticated:
            data["id"] = opinion.pk
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransitionSerializer, responses={200: OpinionSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None, **kwargs):
        """One step of the workflow: ``register``, ``assign`` (``unit``), ``start``, ``answer`` (``answer``),
        ``rate`` (``satisfied``), ``close`` (``note``, ``resolved``), ``reject`` (``reason``), ``reopen``
        (``reason``). An action not allowed from the current status is a 409 listing the allowed actions."""
        opinion = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = dict(serializer.validated_data)
        action_name = params.pop("action")
        services.opinion_transition(opinion=opinion, action=action_name, by=request.user, **params)
        fresh = selectors.opinion_list(user=request.user).get(pk=opinion.pk)
        return Response(OpinionSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=UnmaskSerializer, responses={200: OpenApiResponse(description="name and phone")})
    @action(detail=True, methods=["post"])
    def unmask(self, request, pk=None, **kwargs):
        """The citizen's name and phone in full, for county staff allowed to unmask; the look is logged."""
        serializer = UnmaskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        opinion: Opinion = self.get_object()
        return Response(services.unmask_record(user=request.user, record=opinion, **serializer.data))
