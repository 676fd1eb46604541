from rest_framework import serializers

from ..models import Notice


class NoticeSerializer(serializers.ModelSerializer):
    station = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "key",
            "reception_day",
            "station",
            "recipient",
            "channel",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "enqueued_at",
            "next_attempt_at",
            "sent_at",
        ]
        read_only_fields = fields


class NoticeResendSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=1000)


class NoticeResendResultSerializer(serializers.Serializer):
    resent = serializers.IntegerField(min_value=0, help_text="How many of the given notices were sent again.")
