import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import StrictBooleanFilter

from ..codes import normalise_tracking_code
from ..models import Opinion, OpinionStatus, Outreach, PracticalMatter, VisitLog


class _DatedFilter(django_filters.FilterSet):
    station = django_filters.CharFilter(field_name="station__code", max_length=20, label=_("station code"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("from date"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("until date"))
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", min_value=2000, max_value=2100)


class VisitLogFilter(_DatedFilter):
    reception_day = django_filters.NumberFilter(field_name="reception_day_id", min_value=1)
    deputy = django_filters.NumberFilter(field_name="deputies", min_value=1, distinct=True)

    class Meta:
        model = VisitLog
        fields = ["station", "date_from", "date_to", "year", "reception_day", "deputy"]


class OutreachFilter(_DatedFilter):
    deputy = django_filters.NumberFilter(field_name="deputy_id", min_value=1)

    class Meta:
        model = Outreach
        fields = ["station", "date_from", "date_to", "year", "deputy"]


class PracticalMatterFilter(_DatedFilter):
    source_opinion = django_filters.NumberFilter(field_name="source_opinion_id", min_value=1)

    class Meta:
        model = PracticalMatter
        fields = ["station", "date_from", "date_to", "year", "source_opinion"]


class OpinionFilter(django_filters.FilterSet):
    station = django_filters.CharFilter(field_name="station__code", max_length=20, label=_("station code"))
    status = django_filters.MultipleChoiceFilter(choices=OpinionStatus.choices)
    channel = django_filters.ChoiceFilter(choices=Opinion.Channel.choices)
    unit = django_filters.NumberFilter(field_name="unit_id", min_value=1)
    deputy = django_filters.NumberFilter(field_name="deputy_id", min_value=1)
    resolved = StrictBooleanFilter()
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("past the current deadline"))
    year = django_filters.NumberFilter(field_name="received_at", lookup_expr="year", min_value=2000, max_value=2100)
    received_from = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte")
    received_to = django_filters.DateFilter(field_name="received_at", lookup_expr="date__lte")
    tracking_code = django_filters.CharFilter(method="filter_tracking_code", max_length=20)

    class Meta:
        model = Opinion
        fields = ["station", "status", "channel", "unit", "deputy", "resolved", "overdue", "year", "tracking_code"]

    def filter_overdue(self, queryset, name, value):
        # The queryset is annotated by the selector (``with_deadline``).
        return queryset.filter(overdue=value)

    def filter_tracking_code(self, queryset, name, value):
        return queryset.filter(tracking_code=normalise_tracking_code(value))
