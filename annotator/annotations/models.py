"""Accepted object masks."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from annotator.images.models import ImageAsset
from annotator.interactions.models import InteractionSession
from annotator.projects.models import LabelClass, Project


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

    class Meta:
        ordering = ["id"]
