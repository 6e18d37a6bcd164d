from rest_framework import serializers

from annotator.images.models import ImageAsset


class ImageSerializer(serializers.ModelSerializer[ImageAsset]):
    url = serializers.SerializerMethodField()
    annotation_count = serializers.IntegerField(read_only=True, default=0)

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
            "annotation_count",
        ]

    def get_url(self, image: ImageAsset) -> str:
        return f"/api/images/{image.id}/file/"


class ImageUploadSerializer(serializers.Serializer[None]):
    file = serializers.FileField(allow_empty_file=True)
