from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deputies.api.serializers import DeputyBriefSerializer, ScopedStationField

from ..models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from ..selectors import satisfaction_rate, survey_results


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
