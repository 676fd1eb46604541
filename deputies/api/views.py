from liaison.api import PublicOrScopedReadOnlyViewSet

from .. import selectors
from .filters import DeputyFilter
from .serializers import DeputyPublicSerializer, DeputyStaffViewSerializer


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
