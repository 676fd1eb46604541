from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from activities.models import Activity
from deputies.api.serializers import DeputyBriefSerializer, ScopedPrimaryKeyRelatedField, ScopedStationField
from deputies.models import Deputy
from visits.models import Opinion, ResponsibleUnit

from .. import services
from ..models import Suggestion, SuggestionCategory, SuggestionEvent


class SuggestionSerializer(serializers.ModelSerializer):
    """A suggestion as anyone may read it: deputies are public figures; no source opinion is named."""

    lead_deputy = DeputyBriefSerializer(read_only=True)
    co_signers = DeputyBriefSerializer(many=True, read_only=True)
    station = serializers.CharField(source="station.code", default=None, read_only=True, allow_null=True)
    station_name = serializers.CharField(source="station.name", default=None, read_only=True, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", default=None, read_only=True, allow_null=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "number",
            "year",
            "session",
            "title",
            "content",
            "category",
            "category_display",
            "topics",
            "station",
            "station_name",
            "lead_deputy",
            "co_signers",
            "unit",
            "unit_name",
            "status",
            "status_display",
            "filed_on",
            "assigned_on",
            "deadline",
            "answer_class",
            "answer",
            "answered_on",
            "assessment",
            "assessed_on",
            "returned_once",
            "supervised",
        ]
        read_only_fields = fields


class SuggestionEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuggestionEvent
        fields = ["action", "from_status", "to_status", "note", "at"]


class SuggestionStaffSerializer(SuggestionSerializer):
    source_opinions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(SuggestionSerializer.Meta):
        fields = [
            *SuggestionSerializer.Meta.fields,
            "extension_reason",
            "supervision_activity",
            "source_opinions",
            "created_at",
        ]
        read_only_fields = fields


class SuggestionDetailSerializer(SuggestionStaffSerializer):
    events = SuggestionEventSerializer(many=True, read_only=True)

    class Meta(SuggestionStaffSerializer.Meta):
        fields = [*SuggestionStaffSerializer.Meta.fields, "events"]
        read_only_fields = fields


class SuggestionCreateSerializer(serializers.Serializer):
    lead_deputy = serializers.PrimaryKeyRelatedField(
        queryset=Deputy.objects.all(), required=False, allow_null=True, help_text=_("Deputies: themselves.")
    )
    co_signers = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.all(), many=True, required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    session = serializers.CharField(required=False, allow_blank=True, max_length=100)
    number = serializers.CharField(required=False, allow_blank=True, max_length=30)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    category = serializers.ChoiceField(choices=SuggestionCategory.choices)
    topics = serializers.ListField(
        child=serializers.CharField(max_length=30, allow_blank=True), required=False, max_length=10
    )
    station = ScopedStationField(required=False, allow_null=True)
    filed_on = serializers.DateField(required=False)
    source_opinions = ScopedPrimaryKeyRelatedField(queryset=Opinion.objects.all(), many=True, required=False)


class SuggestionTransitionSerializer(serializers.Serializer):
    ACTIONS = list(services.WORKFLOW.actions)

    action = serializers.ChoiceField(choices=ACTIONS)
    unit = serializers.PrimaryKeyRelatedField(queryset=ResponsibleUnit.objects.all(), required=False)
    deadline = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    answer_class = serializers.ChoiceField(choices=Suggestion.AnswerClass.choices, required=False)
    answer = serializers.CharField(required=False, allow_blank=True)
    assessment = serializers.ChoiceField(choices=Suggestion.Assessment.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    activity = ScopedPrimaryKeyRelatedField(queryset=Activity.objects.all(), required=False, allow_null=True)

    REQUIRED = {
        "assign": ["unit"],
        "extend": ["deadline", "reason"],
        "answer": ["answer_class", "answer"],
        "assess": ["assessment"],
    }

    def validate(self, attrs):
        missing = [f for f in self.REQUIRED.get(attrs["action"], []) if attrs.get(f) in (None, "")]
        if missing:
            raise serializers.ValidationError({f: [_("This field is required for this action.")] for f in missing})
        return attrs
