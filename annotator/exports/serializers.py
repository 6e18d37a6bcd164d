from __future__ import annotations

from rest_framework import serializers

from annotator.exports.models import ExportFormat, ExportJob, ImportFormat, ImportJob
from annotator.images.models import ImageStatus


class ExportJobSerializer(serializers.ModelSerializer[ExportJob]):
    created_by = serializers.CharField(source="created_by.get_username", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id", "format", "options", "state", "done", "total", "report", "error", "size_bytes",
            "created_by", "created_at", "started_at", "finished_at", "download",
        ]  # fmt: skip

    def get_download(self, job: ExportJob) -> str | None:
        """Where the zip streams from, once the export is done."""
        return f"/api/projects/{job.project_id}/exports/{job.id}/download/" if job.file else None


class ExportInputSerializer(serializers.Serializer[None]):
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=ImageStatus.choices), required=False, default=list
    )
    classes = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    images = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    val_fraction = serializers.FloatField(min_value=0.0, max_value=0.95, required=False, default=0.0)
    seed = serializers.IntegerField(min_value=0, required=False, default=0)


class ImportJobSerializer(serializers.ModelSerializer[ImportJob]):
    created_by = serializers.CharField(source="created_by.get_username", read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id", "format", "state", "done", "total", "report", "error", "created_by", "created_at",
            "started_at", "finished_at",
        ]  # fmt: skip


class ImportInputSerializer(serializers.Serializer[None]):
    format = serializers.ChoiceField(choices=ImportFormat.choices)
    file = serializers.FileField(help_text="a zip: the images (and, for COCO or an archive, the annotations)")
    annotations = serializers.FileField(
        required=False, help_text="a COCO instances JSON, when not in the zip"
    )
