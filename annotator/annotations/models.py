"""Accepted object masks."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from annotator.images.models import ImageAsset
from annotator.interactions.models import InteractionSession
from annotator.projects.models import LabelClass, Project


class LiveAnnotations(models.Manager["Annotation"]):
    """Objects that are shown: neither they, their image nor their class deleted
    (``Annotation.all_objects`` has every one). Deleting an image or a class hides its objects
    without touching them, so bringing it back brings them back as they were."""

    def get_queryset(self) -> models.QuerySet[Annotation]:
        return (
            super()
            .get_queryset()
            .filter(
                deleted_at__isnull=True, image__deleted_at__isnull=True, label_class__deleted_at__isnull=True
            )
        )


class Annotation(models.Model):
    """One object: its class and its mask as COCO RLE (``{"size": [h, w], "counts": str}``)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="annotations")
    image = models.ForeignKey(ImageAsset, on_delete=models.CASCADE, related_name="annotations")
    label_class = models.ForeignKey(LabelClass, on_delete=models.PROTECT, related_name="annotations")
    mask = models.JSONField()
    bbox = models.JSONField(help_text="COCO box [x, y, width, height] in pixels.")
    area = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations")
    source_session = models.OneToOneField(
        InteractionSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="annotation"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Deletes are soft: a deleted object is hidden and can be brought back.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = LiveAnnotations()
    all_objects = models.Manager()

    class Meta:
        ordering = ["id"]
        base_manager_name = "all_objects"
