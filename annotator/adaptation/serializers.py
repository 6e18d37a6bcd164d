"""Input of the class-decoder endpoints."""

from __future__ import annotations

from rest_framework import serializers


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


class DecoderHistorySerializer(serializers.Serializer[dict[str, object]]):
    class_id = serializers.IntegerField()
    version = serializers.IntegerField()
    images_seen = serializers.IntegerField()
    enabled = serializers.BooleanField()
    versions = DecoderVersionSerializer(many=True)
