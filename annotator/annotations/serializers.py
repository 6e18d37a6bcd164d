from rest_framework import serializers

from annotator.annotations.models import Annotation


class AnnotationSerializer(serializers.ModelSerializer[Annotation]):
    class_name = serializers.CharField(source="label_class.name", read_only=True)
    author = serializers.CharField(source="author.get_username", read_only=True)

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
            "source_session",
            "created_at",
        ]
