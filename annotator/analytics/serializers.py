from __future__ import annotations

from typing import Any

from rest_framework import serializers

from annotator.analytics.models import ObjectRecord

# The columns of an object's row, in the API and in the CSV (the CSV adds the names).
ROW_FIELDS = [
    "session", "project", "image", "label_class", "class_name", "user", "username", "kind", "annotation",
    "revision", "engine", "pipeline", "decoder_version", "started_at", "ended_at", "clicks", "boxes",
    "scribbles", "brush_strokes", "undos", "redos", "choices", "noc", "active_seconds", "rtt_p50_ms",
    "rtt_max_ms", "engine_p50_ms", "engine_max_ms", "outcome", "deleted", "later_revisions", "review",
]  # fmt: skip


class ObjectRecordSerializer(serializers.ModelSerializer[ObjectRecord]):
    class_name = serializers.CharField(source="label_class.name", read_only=True)
    username = serializers.CharField(source="user.get_username", read_only=True)

    class Meta:
        model = ObjectRecord
        fields = ROW_FIELDS


class FiguresSerializer(serializers.Serializer[dict[str, Any]]):
    key = serializers.JSONField(
        help_text="the group: a class or user id, an engine, a day or a week's Monday"
    )
    name = serializers.CharField()
    objects = serializers.IntegerField(help_text="new objects: accepted and abandoned")
    accepted = serializers.IntegerField()
    abandoned = serializers.IntegerField()
    abandoned_share = serializers.FloatField(allow_null=True)
    noc_mean = serializers.FloatField(allow_null=True)
    noc_median = serializers.FloatField(allow_null=True)
    over_limit = serializers.IntegerField(help_text="accepted objects that took more than the click limit")
    over_limit_share = serializers.FloatField(allow_null=True)
    reviewed = serializers.IntegerField()
    rejected = serializers.IntegerField()
    rejected_share = serializers.FloatField(allow_null=True)
    deleted = serializers.IntegerField()
    corrections = serializers.IntegerField(help_text="saved objects corrected and accepted again")
    active_hours = serializers.FloatField()
    active_mean_seconds = serializers.FloatField(allow_null=True)
    interactions = serializers.IntegerField()


class TotalsSerializer(FiguresSerializer):
    noc_limit = serializers.IntegerField()


class SummarySerializer(serializers.Serializer[dict[str, Any]]):
    by = serializers.CharField()
    totals = TotalsSerializer()
    groups = FiguresSerializer(many=True)


class NocCountSerializer(serializers.Serializer[dict[str, Any]]):
    noc = serializers.IntegerField()
    objects = serializers.IntegerField()


class NocDistributionSerializer(serializers.Serializer[dict[str, Any]]):
    counts = NocCountSerializer(many=True)
    abandoned = serializers.IntegerField()
    noc_limit = serializers.IntegerField()


class BinSerializer(serializers.Serializer[dict[str, Any]]):
    first = serializers.IntegerField(help_text="the bin's first object (1: the class's first)")
    last = serializers.IntegerField()
    objects = serializers.IntegerField()
    noc_mean = serializers.FloatField()


class TrendSerializer(serializers.Serializer[dict[str, Any]]):
    slope_per_100 = serializers.FloatField(help_text="NoC change per 100 objects (least squares)")
    start = serializers.FloatField(help_text="the trend line's NoC at the first object")
    end = serializers.FloatField(help_text="and at the last")


class VersionNocSerializer(serializers.Serializer[dict[str, Any]]):
    version = serializers.IntegerField()
    objects = serializers.IntegerField()
    noc_mean = serializers.FloatField()


class ReplayCheckSummarySerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    finished_at = serializers.DateTimeField(allow_null=True)
    objects = serializers.IntegerField(allow_null=True)
    current_version = serializers.IntegerField()
    candidate_version = serializers.IntegerField()
    current_noc90 = serializers.FloatField(allow_null=True)
    candidate_noc90 = serializers.FloatField(allow_null=True)
    current_fr90 = serializers.FloatField(allow_null=True)
    candidate_fr90 = serializers.FloatField(allow_null=True)


class ClassLearningSerializer(serializers.Serializer[dict[str, Any]]):
    class_id = serializers.IntegerField()
    name = serializers.CharField()
    objects = serializers.IntegerField()
    bins = BinSerializer(many=True)
    trend = TrendSerializer(allow_null=True)
    by_version = VersionNocSerializer(many=True)
    replay_checks = ReplayCheckSummarySerializer(many=True)


class HealthSerializer(serializers.Serializer[dict[str, Any]]):
    key = serializers.CharField(help_text="a day (UTC) or a worker")
    interactions = serializers.IntegerField()
    rtt_p50_ms = serializers.FloatField(allow_null=True)
    rtt_p95_ms = serializers.FloatField(allow_null=True)
    over_one_second = serializers.FloatField(allow_null=True)
    engine_p50_ms = serializers.FloatField(allow_null=True)
    engine_p95_ms = serializers.FloatField(allow_null=True)


class LearningSerializer(serializers.Serializer[dict[str, Any]]):
    classes = ClassLearningSerializer(many=True)


class HealthListSerializer(serializers.Serializer[dict[str, Any]]):
    by = serializers.CharField()
    groups = HealthSerializer(many=True)
