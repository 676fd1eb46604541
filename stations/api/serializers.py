from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Area, ReceptionDay, Station


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "code", "name", "name_en", "kind", "parent", "path"]


class StationPublicSerializer(serializers.ModelSerializer):
    """Fields anyone may read: nothing about people but the station's public phone."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    street_name = serializers.CharField(source="street.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Station
        fields = [
            "code",
            "name",
            "kind",
            "kind_display",
            "area_name",
            "street_name",
            "address",
            "latitude",
            "longitude",
            "opening_hours",
            "phone",
            "layout_picture",
        ]


class StaffMemberSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    since = serializers.DateField()


class StationStaffViewSerializer(StationPublicSerializer):
    """What staff see of a station in their scope: adds ids, the active flag and the "two fixed" staff."""

    head = serializers.SerializerMethodField()
    officer = serializers.SerializerMethodField()

    class Meta(StationPublicSerializer.Meta):
        fields = ["id", *StationPublicSerializer.Meta.fields, "area", "street", "is_active", "head", "officer"]

    def _staff(self, station, role):
        for post in getattr(station, "current_staff", []):
            if post.role == role:
                return {
                    "user_id": post.user_id,
                    "name": post.user.get_full_name() or post.user.username,
                    "since": post.since,
                }
        return None

    @extend_schema_field(StaffMemberSerializer(allow_null=True))
    def get_head(self, station):
        return self._staff(station, "head")

    @extend_schema_field(StaffMemberSerializer(allow_null=True))
    def get_officer(self, station):
        return self._staff(station, "officer")


# --- reception days and the duty rota -----------------------------------------------------------------------


class DutyDeputySerializer(serializers.Serializer):
    """A deputy on duty, as the public sees them: name and levels (no contact details)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    levels = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_levels(self, deputy):
        return deputy.levels()


class ReceptionDaySerializer(serializers.ModelSerializer):
    station = serializers.SlugRelatedField(slug_field="code", read_only=True)
    station_name = serializers.CharField(source="station.name", read_only=True)
    place = serializers.CharField(source="display_place", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    duty_deputies = serializers.SerializerMethodField()

    class Meta:
        model = ReceptionDay
        fields = [
            "id",
            "station",
            "station_name",
            "scheduled_date",
            "date",
            "start_time",
            "end_time",
            "place",
            "status",
            "status_display",
            "original_date",
            "change_reason",
            "notice_published_at",
            "duty_deputies",
        ]
        read_only_fields = fields

    @extend_schema_field(DutyDeputySerializer(many=True))
    def get_duty_deputies(self, day):
        """The public learns who is on duty when the notice is published (the rota may still change before)."""
        if self.context.get("public") and day.notice_published_at is None:
            return []
        return DutyDeputySerializer(day.duty_deputies.all(), many=True).data


class ReceptionDayUpdateSerializer(serializers.Serializer):
    """PATCH: hours, place, deputies on duty; ``reason`` is required for a new time or place after publication."""

    start_time = serializers.TimeField(required=False)
    end_time = serializers.TimeField(required=False)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    duty_deputies = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=5)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ReceptionDayMoveSerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField(max_length=300)
    start_time = serializers.TimeField(required=False)
    end_time = serializers.TimeField(required=False)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReceptionDayCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class RotaMemberSerializer(serializers.Serializer):
    deputy = serializers.IntegerField(min_value=1)
    name = serializers.CharField(read_only=True)
    level = serializers.CharField(read_only=True)
    active = serializers.BooleanField(default=True)


class DutyRotaSerializer(serializers.Serializer):
    """A station's effective rota: its members in order (residents not listed come last, taking part)."""

    station = serializers.CharField(read_only=True)
    deputies_per_day = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    members = RotaMemberSerializer(many=True)
