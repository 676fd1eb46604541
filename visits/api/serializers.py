"""Thin serializers: validate the shape of a request, hand it to a service, mask personal data on the way out."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.privacy import mask_name, mask_phone
from deputies.models import Deputy
from stations.models import ReceptionDay, Station

from .. import services
from ..models import (
    ANSWER_MAX,
    CONTENT_MAX,
    Opinion,
    OpinionEvent,
    Outreach,
    PracticalMatter,
    VisitLog,
)

StationCodeField = serializers.SlugRelatedField


def station_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Station.objects.all(), **kwargs)


def not_in_future(value):
    if value > timezone.localdate():
        raise serializers.ValidationError(_("The date cannot be in the future."))
    return value


class MaskedFieldsMixin:
    """Personal fields leave the API masked (``张*``, ``138****5678``); the unmask endpoint is the only way
    to see them in full."""

    masked_names: tuple[str, ...] = ()
    masked_phones: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for field in self.masked_names:
            if field in data:
                data[field] = mask_name(getattr(instance, field))
        for field in self.masked_phones:
            if field in data:
                data[field] = mask_phone(getattr(instance, field))
        return data


class VisitLogSerializer(MaskedFieldsMixin, serializers.ModelSerializer):
    masked_names, masked_phones = ("visitor_name",), ("visitor_phone",)

    station = station_field()
    station_name = serializers.CharField(source="station.name", read_only=True)
    date = serializers.DateField(validators=[not_in_future])
    people_count = serializers.IntegerField(min_value=1, max_value=100000)
    reception_day = serializers.PrimaryKeyRelatedField(
        queryset=ReceptionDay.objects.all(), required=False, allow_null=True
    )
    deputies = serializers.PrimaryKeyRelatedField(many=True, queryset=Deputy.objects.all(), required=False)
    opinions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = VisitLog
        fields = [
            "id",
            "station",
            "station_name",
            "date",
            "reception_day",
            "deputies",
            "people_count",
            "visitor_name",
            "visitor_phone",
            "topics",
            "summary",
            "opinions",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]


class OutreachSerializer(serializers.ModelSerializer):
    deputy = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.all())
    deputy_name = serializers.CharField(source="deputy.name", read_only=True)
    station = station_field(required=False)
    date = serializers.DateField(validators=[not_in_future])
    people_count = serializers.IntegerField(min_value=1, max_value=100000)

    class Meta:
        model = Outreach
        fields = ["id", "deputy", "deputy_name", "station", "date", "place", "people_count", "summary", "created_at"]
        read_only_fields = ["created_at"]


class PracticalMatterSerializer(serializers.ModelSerializer):
    station = station_field()
    date = serializers.DateField(validators=[not_in_future])
    beneficiaries = serializers.IntegerField(min_value=0, max_value=10000000, required=False, default=0)
    source_opinion = serializers.PrimaryKeyRelatedField(
        queryset=Opinion.objects.all(),
        required=False,
        allow_null=True,
        # the same words as the service's for another station's opinion: nothing tells whether it exists
        error_messages={"does_not_exist": _("No such opinion at this station.")},
    )
    source_tracking_code = serializers.CharField(
        source="source_opinion.tracking_code", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = PracticalMatter
        fields = [
            "id",
            "station",
            "date",
            "title",
            "beneficiaries",
            "source_opinion",
            "source_tracking_code",
            "summary",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class OpinionSerializer(MaskedFieldsMixin, serializers.ModelSerializer):
    """What staff see of an opinion: personal data masked, deadlines, the actions they may take now."""

    masked_names, masked_phones = ("citizen_name",), ("citizen_phone",)

    station = serializers.SlugRelatedField(slug_field="code", read_only=True)
    station_name = serializers.CharField(source="station.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    current_due = serializers.DateField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Opinion
        fields = [
            "id",
            "tracking_code",
            "station",
            "station_name",
            "channel",
            "content",
            "category",
            "citizen_name",
            "citizen_phone",
            "deputy",
            "visit_log",
            "unit",
            "unit_name",
            "status",
            "status_display",
            "received_at",
            "registered_at",
            "assigned_at",
            "answered_at",
            "closed_at",
            "register_due",
            "assign_due",
            "answer_due",
            "current_due",
            "is_overdue",
            "answer",
            "rating",
            "resolved",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, opinion):
        request = self.context.get("request")
        return services.allowed_actions(opinion=opinion, user=getattr(request, "user", None))


class OpinionEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = OpinionEvent
        fields = ["at", "action", "from_status", "to_status", "note", "actor", "actor_name"]

    def get_actor_name(self, event) -> str | None:
        return (event.actor.get_full_name() or event.actor.username) if event.actor_id else None


class OpinionDetailSerializer(OpinionSerializer):
    events = OpinionEventSerializer(many=True, read_only=True)

    class Meta(OpinionSerializer.Meta):
        fields = [*OpinionSerializer.Meta.fields, "events"]
        read_only_fields = fields


class OpinionCreateSerializer(serializers.Serializer):
    """Staff: any channel. Anonymous (the QR form's API): channel ``online`` only."""

    station = station_field()
    channel = serializers.ChoiceField(choices=Opinion.Channel.choices, default=Opinion.Channel.ONLINE)
    content = serializers.CharField(max_length=CONTENT_MAX)
    category = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    citizen_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    citizen_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    deputy = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.all(), required=False, allow_null=True)
    visit_log = serializers.PrimaryKeyRelatedField(queryset=VisitLog.objects.all(), required=False, allow_null=True)
    # Honeypot: hidden from people by the form; a bot filling every field gives itself away.
    website = serializers.CharField(required=False, allow_blank=True, default="", write_only=True, max_length=200)

    def validate_website(self, value):
        if value:
            raise serializers.ValidationError(_("Submission rejected."))
        return value


class OpinionSubmittedSerializer(serializers.Serializer):
    """The answer to a submission: the tracking code and no personal data."""

    tracking_code = serializers.CharField()
    status = serializers.CharField()
    station = serializers.CharField()
    received_at = serializers.DateTimeField()
    register_due = serializers.DateField()
    rating_key = serializers.CharField(allow_blank=True)
    track_url = serializers.CharField()


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a, a) for a in services.ACTIONS])
    unit = serializers.CharField(
        max_length=100, required=False, help_text="The responsible unit's id or its exact name (assign, reassign)."
    )
    answer = serializers.CharField(max_length=ANSWER_MAX, required=False, allow_blank=True)
    satisfied = serializers.BooleanField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    resolved = serializers.BooleanField(required=False, default=False)


class OpinionCorrectionSerializer(serializers.Serializer):
    """What staff correct in an opinion until it is assigned: its content, channel and category."""

    channel = serializers.ChoiceField(choices=Opinion.Channel.choices, required=False)
    content = serializers.CharField(max_length=CONTENT_MAX, required=False)
    category = serializers.CharField(max_length=50, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class UnmaskSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
