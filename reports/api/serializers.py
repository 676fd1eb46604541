from rest_framework import serializers

from ..models import StationEvaluation


class DeputiesByLevelSerializer(serializers.Serializer):
    national = serializers.IntegerField()
    provincial = serializers.IntegerField()
    city = serializers.IntegerField()
    county = serializers.IntegerField()
    township = serializers.IntegerField()


class SuggestionsByCategorySerializer(serializers.Serializer):
    development = serializers.IntegerField()
    livelihood = serializers.IntegerField()
    rural = serializers.IntegerField()


class DashboardSummarySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    stations = serializers.IntegerField()
    deputies_by_level = DeputiesByLevelSerializer()
    people_received = serializers.IntegerField()
    people_visited = serializers.IntegerField()
    opinions_received = serializers.IntegerField()
    opinions_resolved = serializers.IntegerField()
    practical_matters = serializers.IntegerField()
    activities = serializers.IntegerField()
    suggestions_by_category = SuggestionsByCategorySerializer()
    survey_participants = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(help_text="percent, 0-100")


class EvidenceSerializer(serializers.Serializer):
    summary = serializers.CharField(allow_blank=True)
    counted = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())


class ItemScoreSerializer(serializers.Serializer):
    code = serializers.CharField(source="item.code")
    name = serializers.CharField(source="item.name")
    name_en = serializers.CharField(source="item.name_en")
    category = serializers.CharField(source="item.category.code")
    score = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False)
    max = serializers.DecimalField(source="item.max_score", max_digits=5, decimal_places=1, coerce_to_string=False)
    kind = serializers.CharField(source="item.kind")
    computed_score = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False, allow_null=True)
    overridden = serializers.SerializerMethodField()
    override_reason = serializers.CharField()
    evidence = EvidenceSerializer(source="evidence_text")  # strings in the request's language

    def get_overridden(self, row) -> bool:
        return row.override_score is not None


class StationEvaluationSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="scheme.year")
    station = serializers.CharField(source="station.code")
    station_name = serializers.CharField(source="station.name")
    total = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False)
    items = ItemScoreSerializer(source="scores", many=True)

    class Meta:
        model = StationEvaluation
        fields = ["id", "year", "station", "station_name", "total", "grade", "rank", "awarded", "computed_at", "items"]


class ComputeSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    station = serializers.CharField(required=False, max_length=20)


class ItemScoreWriteSerializer(serializers.Serializer):
    item = serializers.RegexField(r"^[A-F][0-9]$", max_length=2)
    score = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0)
    reason = serializers.CharField(max_length=2000, trim_whitespace=True)
