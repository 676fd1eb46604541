from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from stations.models import Station

from ..models import (
    Activity,
    ActivityKind,
    ActivityPhoto,
    ActivityPlan,
    ActivityPlanItem,
    Deputy,
    DutyReport,
    Level,
    Mandate,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from ..selectors import satisfaction_rate, survey_results


class MandateSerializer(serializers.ModelSerializer):
    electoral_area_name = serializers.CharField(source="electoral_area.name", default=None, read_only=True)

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


# --- deputies' work -------------------------------------------------------------------------------------------


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
    image = serializers.ImageField()
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


class SurveyQuestionSerializer(serializers.ModelSerializer):
    deputy = DeputyBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = SurveyQuestion
        fields = ["id", "deputy", "order"]


class SurveySerializer(serializers.ModelSerializer):
    """A survey and its results; anyone may read these (no token: the link is handed out by the station)."""

    station = serializers.CharField(source="station.code", read_only=True)
    station_name = serializers.CharField(source="station.name", read_only=True)
    participants = serializers.IntegerField(read_only=True)
    satisfaction_rate = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = [
            "id",
            "station",
            "station_name",
            "year",
            "title",
            "opens_on",
            "closes_on",
            "is_open",
            "participants",
            "satisfaction_rate",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_satisfaction_rate(self, survey):
        return satisfaction_rate(survey.answers_satisfied, survey.answers_total)

    def get_is_open(self, survey) -> bool:
        return survey.is_open()


class SurveyStaffSerializer(SurveySerializer):
    public_url = serializers.SerializerMethodField()

    class Meta(SurveySerializer.Meta):
        fields = [*SurveySerializer.Meta.fields, "token", "public_url"]
        read_only_fields = fields

    def get_public_url(self, survey) -> str:
        path = reverse("portal:survey-respond", kwargs={"token": survey.token})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class SurveyDetailSerializer(SurveyStaffSerializer):
    questions = SurveyQuestionSerializer(many=True, read_only=True)
    results = serializers.SerializerMethodField()

    class Meta(SurveyStaffSerializer.Meta):
        fields = [*SurveyStaffSerializer.Meta.fields, "questions", "results"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_results(self, survey):
        results = survey_results(survey=survey)
        return [
            {
                "question": q.question.pk,
                "deputy": q.question.deputy_id,
                "label": q.label,
                "counts": q.counts,
                "answers": q.total,
                "satisfaction_rate": q.rate,
            }
            for q in results.questions
        ]


class SurveyCreateSerializer(serializers.Serializer):
    station = ScopedStationField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SurveyAnswerSerializer(serializers.ModelSerializer):
    deputy = serializers.IntegerField(source="question.deputy_id", read_only=True, allow_null=True)

    class Meta:
        model = SurveyAnswer
        fields = ["question", "deputy", "rating"]


class SurveyResponseSerializer(serializers.ModelSerializer):
    """A ballot without any personal data: not even the phone hash."""

    answers = SurveyAnswerSerializer(many=True, read_only=True)

    class Meta:
        model = SurveyResponse
        fields = ["id", "channel", "submitted_at", "answers"]
        read_only_fields = fields


class RatingInputSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    rating = serializers.CharField(max_length=30)  # checked against the scale by the service, with a clear message


class PaperBallotSerializer(serializers.Serializer):
    answers = RatingInputSerializer(many=True, allow_empty=False)


class OnlineResponseSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=40)
    phone = serializers.CharField(max_length=20)
    answers = RatingInputSerializer(many=True, allow_empty=False)
