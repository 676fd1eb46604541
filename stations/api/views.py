from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.access import access_station_by_code
from core.api import Allowed, PublicOrScopedReadOnlyViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin

from .. import selectors, services
from ..models import Area
from .filters import AreaFilter, ReceptionDayFilter, StationFilter
from .serializers import (
    AreaSerializer,
    DutyRotaSerializer,
    ReceptionDayCancelSerializer,
    ReceptionDayMoveSerializer,
    ReceptionDaySerializer,
    ReceptionDayUpdateSerializer,
    StationPublicSerializer,
    StationStaffViewSerializer,
)


class AreaViewSet(ScopedReadOnlyViewSet):
    """Areas (county → street/township → community) the user serves."""

    permission_classes = [Allowed("station.view")]
    base_queryset = Area.objects.all()
    serializer_class = AreaSerializer
    filterset_class = AreaFilter
    ordering = "path"


class StationViewSet(PublicOrScopedReadOnlyViewSet):
    """Liaison stations. Anonymous: active stations' public fields. Staff: the stations in their scope."""

    permission_classes = [Allowed()]  # public fields for anyone; the scope decides what staff see (read-only)
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9-]+"
    public_serializer_class = StationPublicSerializer
    staff_serializer_class = StationStaffViewSerializer
    filterset_class = StationFilter
    ordering = "code"

    def public_queryset(self):
        return selectors.station_public_list()

    def staff_queryset(self):
        return selectors.station_staff_base()


# --- reception days and duty rotas --------------------------------------------------------------------------

# Who may change a station's reception days and rota: reception_day.change and duty_rota.change of the table
# (its head and officer, street/county staff); the scoped queryset decides which stations: outside is a 404.


@extend_schema_view(
    partial_update=extend_schema(request=ReceptionDayUpdateSerializer, responses=ReceptionDaySerializer),
    move=extend_schema(request=ReceptionDayMoveSerializer, responses=ReceptionDaySerializer),
    cancel=extend_schema(request=ReceptionDayCancelSerializer, responses=ReceptionDaySerializer),
)
class ReceptionDayViewSet(ScopedViewSetMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Reception days (the 28th of each month). Anyone reads those of active stations; signed-in users those of
    their scope. Heads, officers and street/county staff of the station move, cancel and edit them."""

    permission_classes = [Allowed(None, "reception_day.change")]  # anyone reads active stations' days
    serializer_class = ReceptionDaySerializer
    filterset_class = ReceptionDayFilter
    ordering = ("date", "id")
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        if self.request.user and self.request.user.is_authenticated:
            return self.scoped_queryset(selectors.reception_day_staff_base())
        return selectors.reception_day_public_list()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "public": not self.request.user.is_authenticated}

    def _respond(self, day):
        fresh = selectors.reception_day_staff_base().get(pk=day.pk)
        return Response(ReceptionDaySerializer(fresh).data)

    def partial_update(self, request, *args, **kwargs):
        day = self.get_object()
        data = self._valid(ReceptionDayUpdateSerializer, request)
        day = services.reception_day_update(
            by=request.user,
            day=day,
            reason=data.get("reason", ""),
            start_time=data.get("start_time"),
            end_time=data.get("end_time"),
            place=data.get("place"),
            duty_deputy_ids=data.get("duty_deputies"),
        )
        return self._respond(day)

    @action(detail=True, methods=["post"])
    def move(self, request, pk=None, format=None):
        day = self.get_object()
        data = self._valid(ReceptionDayMoveSerializer, request)
        day = services.reception_day_move(
            by=request.user,
            day=day,
            date=data["date"],
            reason=data["reason"],
            start_time=data.get("start_time"),
            end_time=data.get("end_time"),
            place=data.get("place"),
        )
        return self._respond(day)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, format=None):
        day = self.get_object()
        data = self._valid(ReceptionDayCancelSerializer, request)
        return self._respond(services.reception_day_cancel(by=request.user, day=day, reason=data["reason"]))

    @staticmethod
    def _valid(serializer_class, request):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


@extend_schema_view(
    retrieve=extend_schema(responses=DutyRotaSerializer),
    update=extend_schema(request=DutyRotaSerializer, responses=DutyRotaSerializer),
)
class DutyRotaViewSet(viewsets.ViewSet):
    """A station's duty rota: ``GET``/``PUT duty-rotas/{station code}/`` (the order of residents, who is left out,
    how many serve a day). Read by anyone in scope; written by the station's head/officer and street/county
    staff."""

    permission_classes = [Allowed("duty_rota.view", "duty_rota.change")]
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9-]+"
    serializer_class = DutyRotaSerializer

    def retrieve(self, request, code=None, format=None):
        station = access_station_by_code(request.user, code)
        return Response(DutyRotaSerializer(selectors.duty_rota_for(station=station)).data)

    def update(self, request, code=None, format=None):
        station = access_station_by_code(request.user, code)
        serializer = DutyRotaSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.duty_rota_update(
            station=station,
            members=[{"deputy": m["deputy"], "active": m["active"]} for m in data["members"]],
            deputies_per_day=data.get("deputies_per_day"),
            by=request.user,
        )
        return Response(DutyRotaSerializer(selectors.duty_rota_for(station=station)).data)
