from liaison.api import PublicOrScopedReadOnlyViewSet, ScopedReadOnlyViewSet

from .. import selectors
from ..models import Area
from .filters import AreaFilter, StationFilter
from .serializers import AreaSerializer, StationPublicSerializer, StationStaffViewSerializer


class AreaViewSet(ScopedReadOnlyViewSet):
    """Areas (county → street/township → community) the user serves."""

    base_queryset = Area.objects.all()
    serializer_class = AreaSerializer
    filterset_class = AreaFilter
    ordering = "path"


class StationViewSet(PublicOrScopedReadOnlyViewSet):
    """Liaison stations. Anonymous: active stations' public fields. Staff: the stations in their scope."""

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
