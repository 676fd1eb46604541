import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import StrictBooleanFilter
from deputies.api.filters import YearFilter

from ..models import Suggestion, SuggestionCategory
from ..selectors import of_deputy


class SuggestionFilter(django_filters.FilterSet):
    year = YearFilter(field_name="year")
    category = django_filters.ChoiceFilter(choices=SuggestionCategory.choices)
    status = django_filters.ChoiceFilter(choices=Suggestion.Status.choices)
    deputy = django_filters.NumberFilter(method="filter_deputy", label=_("deputy id (lead or co-signer)"))
    station = django_filters.CharFilter(field_name="station__code", max_length=20, label=_("station code"))
    supervised = StrictBooleanFilter()
    answer_class = django_filters.ChoiceFilter(choices=Suggestion.AnswerClass.choices)

    class Meta:
        model = Suggestion
        fields = ["year", "category", "status", "deputy", "station", "supervised", "answer_class"]

    def filter_deputy(self, queryset, name, value):
        return queryset.filter(of_deputy(value))
