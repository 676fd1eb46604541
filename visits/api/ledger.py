"""The station's Excel ledger over the API: ``GET stations/{code}/ledger.xlsx?year=YYYY`` and
``POST stations/{code}/ledger/`` (multipart ``file``, ``dry_run=1`` to preview).

Routed in ``liaison/urls.py`` before the router, so these paths win over the stations viewset (stations may not
import visits). The import is all or nothing: with any error nothing is saved and the answer is 400 with the
same body as a success, listing every error.
"""

from __future__ import annotations

import datetime

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import access_station_by_code
from core.api import Allowed
from core.errors import Invalid

from .. import ledger

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="The station's code, e.g. YL-001.")


class LedgerUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The ledger workbook (.xlsx), as exported or from the template.")
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Check and count only: nothing is saved (answers 200)."
    )


class LedgerErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField(
        help_text="The sheet's key (visits, outreach, opinions, practical_matters); empty for the whole file."
    )
    row = serializers.IntegerField(allow_null=True, help_text="The row number in the sheet (the header is row 1).")
    column = serializers.CharField(allow_null=True, help_text="The column's key, e.g. people_count.")
    message = serializers.CharField()
    cell = serializers.CharField(help_text="The cell, e.g. C12, as far as known.")
    header = serializers.CharField()
    sheet_title = serializers.CharField()


class LedgerSheetSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = LedgerErrorSerializer(many=True)


class LedgerResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = LedgerErrorSerializer(many=True)
    sheets = serializers.DictField(child=LedgerSheetSerializer())
    dry_run = serializers.BooleanField()
    saved = serializers.BooleanField()


class _LedgerView(APIView):
    # GET exports (ledger.export), POST imports (ledger.import); the station is looked up in the user's scope
    permission_classes = [Allowed("ledger.export", "ledger.import")]

    def station(self, request, code):
        return access_station_by_code(request.user, code)  # outside the user's area: 404


class LedgerExportView(_LedgerView):
    """The station's Excel ledger for one calendar year, personal data masked, each row with its stable id."""

    http_method_names = ["get", "head", "options"]

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)  # a spreadsheet, whatever is accepted

    @extend_schema(
        operation_id="station_ledger_export",
        parameters=[CODE, OpenApiParameter("year", int, description="Calendar year (default: this year).")],
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The ledger workbook."),
            400: OpenApiResponse(description="A bad year."),
            404: OpenApiResponse(description="No such station in your area."),
        },
    )
    def get(self, request, code):
        station = self.station(request, code)
        raw = request.query_params.get("year", "")
        try:
            year = int(raw) if raw else timezone.localdate().year
        except ValueError:
            year = None
        if year is None or not 2000 <= year <= 2100:
            raise Invalid({"year": _("A year such as %(y)d.") % {"y": timezone.localdate().year}})
        stream = ledger.export_ledger(
            user=request.user,
            station=station,
            start=datetime.date(year, 1, 1),
            end=datetime.date(year, 12, 1),
        )
        return FileResponse(
            stream, as_attachment=True, filename=f"ledger-{station.code}-{year}.xlsx", content_type=XLSX
        )


class LedgerImportView(_LedgerView):
    """Import a ledger workbook: rows with the id of one of the station's records correct it when they differ,
    rows without an id are new. Every row of every sheet is checked first; with any error nothing is saved
    (400, listing every error with its sheet, row and column). ``dry_run`` checks and counts only."""

    http_method_names = ["post", "options"]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="station_ledger_import",
        parameters=[CODE],
        request={"multipart/form-data": LedgerUploadSerializer},
        responses={
            200: LedgerResultSerializer,
            400: OpenApiResponse(LedgerResultSerializer, description="Errors: nothing was saved."),
            404: OpenApiResponse(description="No such station in your area."),
        },
    )
    def post(self, request, code):
        station = self.station(request, code)
        serializer = LedgerUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload, dry_run = serializer.validated_data["file"], serializer.validated_data["dry_run"]
        if upload.size > ledger.MAX_FILE_BYTES:
            result = ledger.too_big()
        else:
            result = ledger.import_ledger(by=request.user, station=station, data=upload.read(), dry_run=dry_run)
        result.dry_run = dry_run
        body = result.as_dict()
        if not result.ok:
            body["detail"] = _("The ledger has errors; nothing was saved.")
        return Response(body, status=status.HTTP_200_OK if result.ok else status.HTTP_400_BAD_REQUEST)
