"""Saved objects, every revision of each, who is correcting one right now, and their mattes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from annotator.images.models import ImageAsset
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
    """One object: its class and its mask as COCO RLE (``{"size": [h, w], "counts": str}``).

    The row holds the object's current state, which is its latest revision (``revision`` is
    that revision's number); ``author`` made the object and stays its author whoever corrects
    it later. ``source_session`` is the session that outlined it first.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="annotations")
    image = models.ForeignKey(ImageAsset, on_delete=models.CASCADE, related_name="annotations")
    label_class = models.ForeignKey(LabelClass, on_delete=models.PROTECT, related_name="annotations")
    mask = models.JSONField()
    bbox = models.JSONField(help_text="COCO box [x, y, width, height] in pixels.")
    area = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations")
    source_session = models.OneToOneField(
        "interactions.InteractionSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="annotation",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Deletes are soft: a deleted object is hidden and can be brought back.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)

    objects = LiveAnnotations()
    all_objects = models.Manager()

    class Meta:
        ordering = ["id"]
        base_manager_name = "all_objects"


class RevisionKind(models.TextChoices):
    CREATED = "created", "Created"
    CORRECTED = "corrected", "Corrected"
    RELABELLED = "relabelled", "Relabelled"
    DELETED = "deleted", "Deleted"
    RESTORED = "restored", "Brought back"
    REVERTED = "reverted", "Returned to an earlier revision"
    IMPORTED = "imported", "Imported (a pre-annotation)"


class AnnotationRevision(models.Model):
    """One change of an object, with the state it left: who, when, the mask (COCO RLE), the
    class, and the session that made it. Nothing is ever updated or deleted here."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=RevisionKind.choices)
    mask = models.JSONField()
    bbox = models.JSONField()
    area = models.PositiveIntegerField()
    label_class = models.ForeignKey(LabelClass, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        "interactions.InteractionSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisions",
    )
    reverted_to = models.PositiveIntegerField(null=True, blank=True, help_text="the number returned to")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["annotation_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["annotation", "number"], name="unique_revision_number")
        ]


class AnnotationLock(models.Model):
    """A session correcting an object holds it until it accepts, cancels, leaves, or stops
    beating for ``MASKLOOP_OBJECT_LOCK_SECONDS``: nobody else corrects it meanwhile."""

    annotation = models.OneToOneField(Annotation, on_delete=models.CASCADE, related_name="lock")
    session = models.ForeignKey(
        "interactions.InteractionSession", on_delete=models.CASCADE, related_name="locks"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    acquired_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()


class MatteState(models.TextChoices):
    PENDING = "pending", "Being computed"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class AnnotationMatte(models.Model):
    """The alpha matte of one revision of an object, computed once on the batch queue and kept in
    media storage (``file``, under ``mattes/<project>/<object>/``). A new revision gets a row of
    its own, so an old matte is never served for it; a revision's ready matte replaces the files
    and rows of the object's earlier revisions. ``requested_at`` is when its computation was last
    started (a pending one older than ``MASKLOOP_MATTE_STALE_SECONDS`` is started again)."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="mattes")
    revision = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=MatteState.choices, default=MatteState.PENDING)
    file = models.FileField(max_length=300, blank=True)
    error = models.CharField(max_length=500, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["annotation", "revision"], name="unique_matte_per_revision")
        ]
