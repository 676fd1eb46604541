from rest_framework import serializers

from core.uploads import BoundedImageField
from deputies.api.serializers import DeputyBriefSerializer, ScopedPrimaryKeyRelatedField, ScopedStationField
from deputies.models import Deputy

from ..models import Activity, ActivityKind, ActivityPhoto, ActivityPlan, ActivityPlanItem, DutyReport


class ActivityPhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityPhoto
        fields = ["id", "image", "caption"]


class ActivitySerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.code", read_only=True)
    station_name = serializers.CharField(source="station.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    deputies = DeputyBriefSerializer(many=True, read_only=True)
    photos = ActivityPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "station",
            "station_name",
            "kind",
            "kind_display",
            "date",
            "title",
            "deputies",
            "people_reached",
            "campaign",
            "summary",
            "photos",
        ]
        read_only_fields = fields


class ActivityCreateSerializer(serializers.Serializer):
    station = ScopedStationField()
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    date = serializers.DateField()
    title = serializers.CharField(max_length=200)
    deputies = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.all(), many=True, required=False)
    people_reached = serializers.IntegerField(min_value=0, default=0)
    campaign = serializers.CharField(max_length=60, required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)


class ActivityPhotoUploadSerializer(serializers.Serializer):
    image = serializers.ImageField(_DjangoImageField=BoundedImageField)  # size and pixels bounded
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ActivityPlanItemSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ActivityKind.choices)

    class Meta:
        model = ActivityPlanItem
        fields = ["month", "quarter", "kind", "title", "description"]
        extra_kwargs = {"month": {"min_value": 1, "max_value": 12}, "quarter": {"min_value": 1, "max_value": 4}}


class ActivityPlanSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.code", read_only=True)
    station_name = serializers.CharField(source="station.name", read_only=True)
    items = ActivityPlanItemSerializer(many=True, read_only=True)

    class Meta:
        model = ActivityPlan
        fields = ["id", "station", "station_name", "year", "title", "notes", "published_at", "items"]
        read_only_fields = fields


class ActivityPlanWriteSerializer(serializers.Serializer):
    station = ScopedStationField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    items = ActivityPlanItemSerializer(many=True)


class DutyReportSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.code", read_only=True)
    deputy = DeputyBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = DutyReport
        fields = ["id", "station", "deputy", "date", "audience", "title", "summary", "activity"]
        read_only_fields = fields


class DutyReportCreateSerializer(serializers.Serializer):
    station = ScopedStationField()
    deputy = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.all(), required=False, allow_null=True)
    date = serializers.DateField()
    audience = serializers.IntegerField(min_value=0)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    activity = ScopedPrimaryKeyRelatedField(queryset=Activity.objects.all(), required=False, allow_null=True)
