"""API of the responsible units (承办单位): the units of the user's county(ies), staff only, read-only. The
assign and reassign transitions of an opinion take a unit's ``id`` or its exact ``name`` from here."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from core.api import Allowed
from core.filters import StrictBooleanFilter
from stations.models import Area

from .. import selectors
from ..models import ResponsibleUnit

MAX_SEARCH = 100


class ResponsibleUnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", max_length=MAX_SEARCH, label=_("name contains")
    )
    kind = django_filters.ChoiceFilter(choices=ResponsibleUnit.Kind.choices)
    # Active units only unless ``active=false`` (deactivated ones) is asked for; the queryset is not filtered
    # on it in advance, so the filter sees every unit of the county.
    active = StrictBooleanFilter(field_name="is_active", method="filter_active", label=_("active (default: true)"))

    class Meta:
        model = ResponsibleUnit
        fields = ["q", "kind", "active"]

    def filter_queryset(self, queryset):
        if "active" not in self.data:
            queryset = queryset.filter(is_active=True)
        return super().filter_queryset(queryset)

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value)


class ResponsibleUnitSerializer(serializers.ModelSerializer):
    county = serializers.SerializerMethodField(help_text="The id of the county (an area of kind county) of the unit.")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ResponsibleUnit
        fields = ["id", "name", "county", "kind", "kind_display", "area", "is_active"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_county(self, unit) -> int | None:
        counties, default = self.context["counties"], self.context["default_county"]
        return selectors.county_of_unit(unit, counties, default=default)


class ResponsibleUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Responsible units (承办单位) of the user's county(ies): county departments, street and township offices,
    utilities. ``county`` is the id of the county the unit belongs to; a county department without an area
    carries the county of the user's scope (null when the user's scope spans several counties). Staff only
    (deputies 403, anonymous 401). Filters: ``q`` (name contains), ``kind``, ``active`` (default ``true``)."""

    permission_classes = [Allowed("responsible_unit.view", None)]  # read-only: no write method is routed
    serializer_class = ResponsibleUnitSerializer
    filterset_class = ResponsibleUnitFilter
    ordering = ("sort_order", "name")

    def get_queryset(self):
        return selectors.responsible_units(user=self.request.user, counties=self._counties(), active=None)

    def _counties(self) -> list[Area] | None:
        if not hasattr(self, "_counties_cache"):
            self._counties_cache = selectors.user_counties(user=self.request.user)
        return self._counties_cache

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False) or not self.request.user.is_authenticated:
            return {**context, "counties": [], "default_county": None}
        counties = self._counties()
        if counties is None:  # administrators: every county
            counties = list(Area.objects.filter(kind=Area.Kind.COUNTY).order_by("path"))
        return {**context, "counties": counties, "default_county": counties[0].pk if len(counties) == 1 else None}
