import django_filters

from ..models import Channel, Notice


class NoticeFilter(django_filters.FilterSet):
    reception_day = django_filters.NumberFilter(field_name="reception_day_id")
    status = django_filters.ChoiceFilter(choices=Notice.Status.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    kind = django_filters.CharFilter(max_length=40)
    recipient = django_filters.CharFilter(max_length=40)
    station = django_filters.CharFilter(field_name="station__code", max_length=20)

    class Meta:
        model = Notice
        fields = ["reception_day", "status", "channel", "kind", "recipient", "station"]
