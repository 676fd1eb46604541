import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from stations.models import Membership

from ..models import Deputy, Level

YEAR_MIN, YEAR_MAX = 2000, 2100


class DeputyFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, method="filter_level", label=_("mandate level"))
    station = django_filters.CharFilter(method="filter_station", max_length=20, label=_("station code"))
    gender = django_filters.ChoiceFilter(choices=Deputy.Gender.choices)
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=50)

    class Meta:
        model = Deputy
        fields = ["level", "station", "gender", "q"]

    def filter_level(self, queryset, name, value):
        return queryset.with_level(value)

    def filter_station(self, queryset, name, value):
        resident = Membership.objects.current().filter(deputy=OuterRef("pk"), station__code=value)
        return queryset.filter(Exists(resident))


class YearFilter(django_filters.NumberFilter):
    """A calendar year (2000..2100): anything else is a 400."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("year"))
        super().__init__(*args, **kwargs)
        self.extra.setdefault("min_value", YEAR_MIN)
        self.extra.setdefault("max_value", YEAR_MAX)
        self.extra.setdefault("decimal_places", 0)
