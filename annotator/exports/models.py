"""Dataset export and import jobs: what was asked, how far along, and what came of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from annotator.projects.models import Project


class ExportFormat(models.TextChoices):
    COCO = "coco", "COCO instances, masks as RLE"
    COCO_POLYGONS = "coco-polygons", "COCO instances, masks as polygons"
    VOC = "voc", "Pascal VOC segmentation PNGs"
    YOLO = "yolo", "YOLO segmentation (Ultralytics)"
    MATTES = "mattes", "Alpha mattes, one PNG per object"
    MASKLOOP = "maskloop", "Maskloop archive (the whole project)"


class ImportFormat(models.TextChoices):
    COCO = "coco", "COCO instances (RLE or polygons) with its images"
    MASKLOOP = "maskloop", "Maskloop archive"
    IMAGES = "images", "Images only (a zip or folder of them)"


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ExportJob(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="export_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=16, choices=ExportFormat.choices)
    # What to export: statuses, class ids, image ids (empty: all), val_fraction and seed.
    options = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    error = models.CharField(max_length=500, blank=True)
    file = models.FileField(upload_to="exports/", max_length=300, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]


class ImportJob(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=16, choices=ImportFormat.choices)
    # The uploaded zip (images, and the annotations for COCO and archives); a separate COCO JSON.
    upload = models.FileField(upload_to="imports/", max_length=300)
    annotations = models.FileField(upload_to="imports/", max_length=300, blank=True)
    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
