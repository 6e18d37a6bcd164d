from rest_framework import serializers

from annotator.annotations.models import Annotation, AnnotationRevision


class AnnotationSerializer(serializers.ModelSerializer[Annotation]):
    class_name = serializers.CharField(source="label_class.name", read_only=True)
    author = serializers.CharField(source="author.get_username", read_only=True)
    author_id = serializers.IntegerField(read_only=True)
    deleted_by = serializers.CharField(source="deleted_by.get_username", read_only=True, default=None)

    class Meta:
        model = Annotation
        fields = [
            "id",
            "image",
            "label_class",
            "class_name",
            "mask",
            "bbox",
            "area",
            "author",
            "author_id",
            "source_session",
            "created_at",
            "deleted_at",
            "deleted_by",
            "revision",
        ]


class RevisionSerializer(serializers.ModelSerializer[AnnotationRevision]):
    user = serializers.CharField(source="user.get_username", read_only=True)
    class_name = serializers.CharField(source="label_class.name", read_only=True)

    class Meta:
        model = AnnotationRevision
        fields = [
            "id",
            "number",
            "kind",
            "mask",
            "bbox",
            "area",
            "label_class",
            "class_name",
            "user",
            "session",
            "reverted_to",
            "created_at",
        ]


class RevisionBaseSerializer(serializers.Serializer[None]):
    revision = serializers.IntegerField(min_value=1, help_text="the object's revision the caller saw")


class RelabelSerializer(RevisionBaseSerializer):
    label_class = serializers.IntegerField(min_value=1)


class MatteAnswerSerializer(serializers.Serializer[None]):
    """What the matte endpoint answers while it has no PNG to give."""

    code = serializers.ChoiceField(choices=["matte_pending", "matte_failed"])
    detail = serializers.CharField()
