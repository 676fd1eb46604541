from rest_framework import mixins, status
from rest_framework.response import Response

from core.api import Allowed, PublicOrScopedReadOnlyViewSet

from .. import selectors
from .filters import DeputyFilter
from .serializers import DeputyPublicSerializer, DeputyStaffViewSerializer


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


# --- the base of the viewsets of deputies' work (activities, surveys, suggestions) --------------------------------


class PublicReadStaffWriteViewSet(mixins.CreateModelMixin, PublicOrScopedReadOnlyViewSet):
    """Anyone reads the public fields; signed-in users read their scope and write through services (which
    check the role and the station again); ``create`` returns the record in the read representation. Each
    subclass names its permissions of the table (``permission_classes = [Allowed(write=...)]``)."""

    permission_classes = [Allowed(read=None, write=None)]  # each subclass names its own
    create_serializer_class = None

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
