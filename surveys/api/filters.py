import django_filters
from django.utils.translation import gettext_lazy as _

from deputies.api.filters import YearFilter

from ..models import Survey


class SurveyFilter(django_filters.FilterSet):
    station = django_filters.CharFilter(field_name="station__code", max_length=20, label=_("station code"))
    year = YearFilter(field_name="year")

    class Meta:
        model = Survey
        fields = ["station", "year"]
