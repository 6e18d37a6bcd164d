from __future__ import annotations

from typing import Any

from rest_framework import serializers

from annotator.annotations.serializers import AnnotationSerializer, RevisionSerializer
from annotator.review.models import ObjectReview, ReviewComment, ReviewRound, Verdict
from annotator.review.selectors import ObjectState


class ObjectReviewSerializer(serializers.ModelSerializer[ObjectReview]):
    reviewer = serializers.CharField(source="reviewer.get_username", read_only=True)

    class Meta:
        model = ObjectReview
        fields = ["id", "annotation", "revision", "verdict", "reviewer", "created_at"]


class CommentSerializer(serializers.ModelSerializer[ReviewComment]):
    author = serializers.CharField(source="author.get_username", read_only=True)
    resolved_by = serializers.CharField(source="resolved_by.get_username", read_only=True, default=None)

    class Meta:
        model = ReviewComment
        fields = ["id", "annotation", "author", "text", "x", "y", "created_at", "resolved_at", "resolved_by"]


class RoundSerializer(serializers.ModelSerializer[ReviewRound]):
    reviewer = serializers.CharField(source="reviewer.get_username", read_only=True)

    class Meta:
        model = ReviewRound
        fields = ["id", "reviewer", "outcome", "accepted", "rejected", "note", "created_at"]


class ObjectStateSerializer(serializers.Serializer[ObjectState]):
    annotation = AnnotationSerializer()
    state = serializers.ChoiceField(choices=["new", "changed", "reviewed", "deleted"])
    verdict = ObjectReviewSerializer(allow_null=True)
    before = RevisionSerializer(
        allow_null=True, help_text="the revision the last verdict was on, when changed since"
    )


class ImageReviewSerializer(serializers.Serializer[dict[str, Any]]):
    image = serializers.IntegerField()
    status = serializers.CharField()
    objects = ObjectStateSerializer(many=True)
    comments = CommentSerializer(many=True)
    rounds = RoundSerializer(many=True)


class VerdictInputSerializer(serializers.Serializer[None]):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    x = serializers.FloatField(required=False, allow_null=True, default=None)
    y = serializers.FloatField(required=False, allow_null=True, default=None)


class CommentInputSerializer(serializers.Serializer[None]):
    text = serializers.CharField(max_length=2000)
    annotation = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    x = serializers.FloatField(required=False, allow_null=True, default=None)
    y = serializers.FloatField(required=False, allow_null=True, default=None)


class FinishInputSerializer(serializers.Serializer[None]):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ObjectHistorySerializer(serializers.Serializer[dict[str, Any]]):
    verdicts = ObjectReviewSerializer(many=True)
    comments = CommentSerializer(many=True)
