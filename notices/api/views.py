from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import Allowed, ScopedReadOnlyViewSet

from .. import selectors, services
from .filters import NoticeFilter
from .serializers import NoticeResendResultSerializer, NoticeResendSerializer, NoticeSerializer


@extend_schema_view(resend=extend_schema(request=NoticeResendSerializer, responses=NoticeResendResultSerializer))
class NoticeViewSet(ScopedReadOnlyViewSet):
    """Notice rows (one per kind, occurrence, recipient and channel), for county staff and administrators."""

    permission_classes = [Allowed("notice.view", resend="notice.resend")]
    base_queryset = selectors.notice_staff_base()
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter
    ordering = "-id"

    @action(detail=False, methods=["post"])
    def resend(self, request, format=None):
        """Send failed notices again (ids outside the caller's scope or not failed are ignored)."""
        serializer = NoticeResendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = self.get_queryset().filter(pk__in=serializer.validated_data["ids"]).values_list("pk", flat=True)
        count = services.notices_resend(notice_ids=list(ids))
        return Response({"resent": count})
