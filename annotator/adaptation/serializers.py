"""Input and output of the adaptation endpoints."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from annotator.adaptation.models import CheckStatus, ClickAdaptation, ReplayCheck, ResultUse


class DecoderSwitchSerializer(serializers.Serializer[dict[str, bool]]):
    enabled = serializers.BooleanField()


class DecoderRollbackSerializer(serializers.Serializer[dict[str, int]]):
    version = serializers.IntegerField(min_value=0)


class DecoderVersionSerializer(serializers.Serializer[dict[str, object]]):
    version = serializers.IntegerField()
    parent_version = serializers.IntegerField(source="parent", allow_null=True)
    reason = serializers.CharField()
    images_seen = serializers.IntegerField()
    created_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    can_roll_back = serializers.BooleanField()
    state_bytes = serializers.IntegerField()


class ReplaySideSerializer(serializers.Serializer[dict[str, object]]):
    version = serializers.IntegerField()
    noc85 = serializers.FloatField(allow_null=True)
    noc90 = serializers.FloatField(allow_null=True)
    noc95 = serializers.FloatField(allow_null=True)
    nof85 = serializers.IntegerField()
    nof90 = serializers.IntegerField()
    nof95 = serializers.IntegerField()
    fr_85 = serializers.FloatField(allow_null=True)
    fr_90 = serializers.FloatField(allow_null=True)
    fr_95 = serializers.FloatField(allow_null=True)
    miou_curve = serializers.ListField(child=serializers.FloatField())


class ReplayResultSerializer(serializers.Serializer[dict[str, object]]):
    objects = serializers.IntegerField()
    max_clicks = serializers.IntegerField()
    current = ReplaySideSerializer()
    candidate = ReplaySideSerializer()
    per_object = serializers.ListField(child=serializers.DictField())


class ReplayCheckSerializer(serializers.Serializer[ReplayCheck]):
    id = serializers.IntegerField()
    class_id = serializers.IntegerField(source="label_class_id")
    current_version = serializers.IntegerField()
    candidate_version = serializers.IntegerField()
    objects_requested = serializers.IntegerField()
    max_clicks = serializers.IntegerField()
    status = serializers.ChoiceField(choices=CheckStatus.choices)
    result = ReplayResultSerializer(allow_null=True)
    error = serializers.CharField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ReplayRequestSerializer(serializers.Serializer[dict[str, int]]):
    version = serializers.IntegerField(min_value=0, help_text="The candidate: a retained version, or 0.")
    objects = serializers.IntegerField(
        min_value=1, max_value=200, required=False, help_text="How many of the latest accepted objects."
    )

    def validate(self, attrs: dict[str, int]) -> dict[str, int]:
        attrs.setdefault("objects", settings.MASKLOOP_REPLAY_OBJECTS)
        return attrs


class DecoderHistorySerializer(serializers.Serializer[dict[str, object]]):
    class_id = serializers.IntegerField()
    version = serializers.IntegerField()
    images_seen = serializers.IntegerField()
    enabled = serializers.BooleanField()
    versions = DecoderVersionSerializer(many=True)
    replay_checks = ReplayCheckSerializer(many=True)


class ProjectAdaptationSerializer(serializers.Serializer[dict[str, object]]):
    """A project's online adaptation (seed 004); ``chosen`` is false while it uses the defaults."""

    project_id = serializers.IntegerField(read_only=True)
    chosen = serializers.BooleanField(read_only=True)
    enabled = serializers.BooleanField(required=False)
    click = serializers.ChoiceField(choices=ClickAdaptation.choices, required=False)
    result = serializers.ChoiceField(choices=ResultUse.choices, required=False)
    click_mask = serializers.BooleanField(required=False)
    lr = serializers.FloatField(min_value=1e-9, max_value=1e-2, required=False)
    erosions = serializers.IntegerField(min_value=0, max_value=50, required=False)
