import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.filters import StrictBooleanFilter

from ..models import Area, Station

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
