from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Area, Station


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "code", "name", "name_en", "kind", "parent", "path"]


class StationPublicSerializer(serializers.ModelSerializer):
    """Fields anyone may read: nothing about people but the station's public phone."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    street_name = serializers.CharField(source="street.name", read_only=True, default=None)

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
