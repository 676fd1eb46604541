import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.filters import StrictBooleanFilter
from deputies.api.filters import YearFilter

from ..models import Activity, ActivityKind, ActivityPlan, DutyReport


class ActivityFilter(django_filters.FilterSet):
    station = django_filters.CharFilter(field_name="station__code", max_length=20, label=_("station code"))
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices)
    year = YearFilter(field_name="date__year")
    date = django_filters.DateFilter(field_name="date")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("from date"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("to date"))
    campaign = django_filters.CharFilter(field_name="campaign", lookup_expr="icontains", max_length=60)
    deputy = django_filters.NumberFilter(method="filter_deputy", label=_("deputy id"))

    class Meta:
        model = Activity
        fields = ["station", "kind", "year", "date", "date_from", "date_to", "campaign", "deputy"]

    def filter_deputy(self, queryset, name, value):
        return queryset.filter(pk__in=Activity.deputies.through.objects.filter(deputy_id=value).values("activity_id"))


class ActivityPlanFilter(django_filters.FilterSet):
    station = django_filters.CharFilter(field_name="station__code", max_length=20, label=_("station code"))
    year = YearFilter(field_name="year")
    published = StrictBooleanFilter(method="filter_published")

    class Meta:
        model = ActivityPlan
        fields = ["station", "year", "published"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_published(self, queryset, name, value):
        return queryset.filter(published_at__isnull=not value)


class DutyReportFilter(django_filters.FilterSet):
    station = django_filters.CharFilter(field_name="station__code", max_length=20, label=_("station code"))
    year = YearFilter(field_name="date__year")
    deputy = django_filters.NumberFilter(field_name="deputy_id")
    by_station = StrictBooleanFilter(field_name="deputy", lookup_expr="isnull", label=_("reports of the station"))

    class Meta:
        model = DutyReport
        fields = ["station", "year", "deputy", "by_station"]
