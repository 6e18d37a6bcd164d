from __future__ import annotations

from rest_framework import serializers

from annotator.images.assignments import MAX_BATCH
from annotator.images.models import ImageAsset, ImageAssignment, ImageStatus, ImageStatusChange
from annotator.images.selectors import Progress
from annotator.images.work_queue import Neighbours
from annotator.projects.models import LabelClass


class AssigneeSerializer(serializers.ModelSerializer[ImageAssignment]):
    user = serializers.IntegerField(source="user.id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    done = serializers.SerializerMethodField()

    class Meta:
        model = ImageAssignment
        fields = ["user", "username", "done", "assigned_at"]

    def get_done(self, assignment: ImageAssignment) -> bool:
        """Whether this assignee has finished their part."""
        return assignment.done_at is not None


class ImageSerializer(serializers.ModelSerializer[ImageAsset]):
    url = serializers.SerializerMethodField()
    annotation_count = serializers.IntegerField(read_only=True, default=0)
    assignees = AssigneeSerializer(source="assignments", many=True, read_only=True)

    class Meta:
        model = ImageAsset
        fields = [
            "id",
            "original_name",
            "format",
            "width",
            "height",
            "checksum",
            "size_bytes",
            "created_at",
            "url",
            "status",
            "annotation_count",
            "assignees",
            "deleted_at",
        ]

    def get_url(self, image: ImageAsset) -> str:
        return f"/api/images/{image.id}/file/"


class ImageUploadSerializer(serializers.Serializer[None]):
    file = serializers.FileField(allow_empty_file=True)


class ImageIdsSerializer(serializers.Serializer[None]):
    images = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=MAX_BATCH
    )


class StatusInputSerializer(serializers.Serializer[None]):
    status = serializers.ChoiceField(
        choices=[ImageStatus.DONE, ImageStatus.IN_PROGRESS, ImageStatus.ACCEPTED, ImageStatus.NEEDS_FIXES],
        help_text="done (finish), in_progress (open again), accepted or needs_fixes (review)",
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class StatusChangeSerializer(serializers.ModelSerializer[ImageStatusChange]):
    user = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = ImageStatusChange
        fields = ["before", "after", "user", "note", "created_at"]


class AssignmentSerializer(serializers.ModelSerializer[ImageAssignment]):
    username = serializers.CharField(source="user.username", read_only=True)
    image_name = serializers.CharField(source="image.original_name", read_only=True)
    classes: serializers.PrimaryKeyRelatedField[LabelClass] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = ImageAssignment
        fields = ["image", "image_name", "user", "username", "classes", "assigned_at", "done_at"]


class AssignInputSerializer(serializers.Serializer[None]):
    user = serializers.IntegerField(min_value=1, help_text="the member's user id")
    images = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=MAX_BATCH,
        help_text="these images",
    )
    count = serializers.IntegerField(
        min_value=1, max_value=MAX_BATCH, required=False, help_text="or the next this many unassigned images"
    )
    classes = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="only these classes",
    )

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        if ("images" in attrs) == ("count" in attrs):
            raise serializers.ValidationError("Give either 'images' or 'count'.")
        return attrs


class UnassignInputSerializer(ImageIdsSerializer):
    user = serializers.IntegerField(
        min_value=1, required=False, help_text="only this member's (default: everyone's)"
    )


class AssignedSerializer(serializers.Serializer[None]):
    assigned = serializers.ListField(child=serializers.IntegerField(), help_text="the images newly given")


class CountSerializer(serializers.Serializer[None]):
    count = serializers.IntegerField()


class AssigneeProgressSerializer(serializers.Serializer[None]):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    assigned = serializers.IntegerField()
    done = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer[Progress]):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    unassigned = serializers.IntegerField()
    by_assignee = AssigneeProgressSerializer(many=True)


class NeighboursSerializer(serializers.Serializer[Neighbours]):
    previous = serializers.IntegerField(allow_null=True)
    next = serializers.IntegerField(allow_null=True)
    remaining = serializers.IntegerField(help_text="images in the queue")
    scope = serializers.ChoiceField(choices=["queue", "all"])
