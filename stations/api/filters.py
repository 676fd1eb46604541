import django_filters
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import StrictBooleanFilter

from ..models import Area, ReceptionDay, Station

MAX_SEARCH = 100


class AreaFilter(django_filters.FilterSet):
    class Meta:
        model = Area
        fields = ["kind", "parent"]


class StationFilter(django_filters.FilterSet):
    area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.all(), method="filter_area", label=_("area (its whole subtree)")
    )
    street = django_filters.ModelChoiceFilter(queryset=Area.objects.filter(kind__in=["street", "township"]))
    kind = django_filters.ChoiceFilter(choices=Station.Kind.choices)
    is_active = StrictBooleanFilter()
    q = django_filters.CharFilter(method="filter_q", max_length=MAX_SEARCH, label=_("name or address contains"))

    class Meta:
        model = Station
        fields = ["area", "street", "kind", "is_active", "q"]

    def filter_area(self, queryset, name, value):
        return queryset.filter(area__path__startswith=value.path)

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(address__icontains=value) | Q(street__name__icontains=value)
        )


# --- reception days --------------------------------------------------------------------------------------------


class ReceptionDayFilter(django_filters.FilterSet):
    station = django_filters.CharFilter(field_name="station__code", max_length=20, label=_("station code"))
    month = django_filters.CharFilter(
        method="filter_month",
        validators=[RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("Use YYYY-MM, e.g. 2027-03."))],
        label=_("month the day takes place in (YYYY-MM)"),
    )
    status = django_filters.ChoiceFilter(choices=ReceptionDay.Status.choices)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = ReceptionDay
        fields = ["station", "month", "status", "date_from", "date_to"]

    def filter_month(self, queryset, name, value):
        year, month = (int(part) for part in value.split("-"))
        return queryset.filter(date__year=year, date__month=month)
