from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from stations.models import Station

from ..models import Deputy, Level, Mandate


class MandateSerializer(serializers.ModelSerializer):
    electoral_area_name = serializers.CharField(
        source="electoral_area.name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = Mandate
        fields = ["level", "congress", "term_start", "term_end", "electoral_area", "electoral_area_name"]


class MembershipBriefSerializer(serializers.Serializer):
    station = serializers.CharField(source="station.code")
    station_name = serializers.CharField(source="station.name")
    since = serializers.DateField()
    until = serializers.DateField(allow_null=True)


class DeputyPublicSerializer(serializers.ModelSerializer):
    """A deputy as the public sees them: no private phone or e-mail."""

    levels = serializers.SerializerMethodField()
    stations = serializers.SerializerMethodField()

    class Meta:
        model = Deputy
        fields = ["id", "name", "gender", "photo", "occupation", "speciality", "public_contact", "levels", "stations"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Level.choices)))
    def get_levels(self, deputy):
        return deputy.levels()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_stations(self, deputy):
        return [m.station.code for m in getattr(deputy, "current_memberships", [])]


class DeputyStaffViewSerializer(DeputyPublicSerializer):
    mandates = MandateSerializer(many=True, read_only=True)
    memberships = MembershipBriefSerializer(source="current_memberships", many=True, read_only=True)
    has_account = serializers.SerializerMethodField()

    class Meta(DeputyPublicSerializer.Meta):
        fields = [*DeputyPublicSerializer.Meta.fields, "ref", "mandates", "memberships", "has_account"]

    def get_has_account(self, deputy) -> bool:
        return deputy.user_id is not None


# --- shared by the serializers of deputies' work (activities, surveys, suggestions) -------------------------------


class DeputyBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """Choices limited to what the requesting user may reach (``for_user``)."""

    def get_queryset(self):
        return super().get_queryset().for_user(self.context["request"].user)


class ScopedStationField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Station.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        return super().get_queryset().for_user(self.context["request"].user)
