"""Images uploaded into a project, who works on each and how far along each is."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from annotator.projects.models import LabelClass, Project


def image_upload_path(instance: ImageAsset, filename: str) -> str:
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}.get(instance.format, "bin")
    return f"images/{instance.project_id}/{instance.checksum}.{extension}"


class ImageStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    ACCEPTED = "accepted", "Accepted"
    NEEDS_FIXES = "needs_fixes", "Needs fixes"


class LiveImages(models.Manager["ImageAsset"]):
    """Images not deleted (``ImageAsset.all_objects`` has every one)."""

    def get_queryset(self) -> models.QuerySet[ImageAsset]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class ImageAsset(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=image_upload_path, max_length=300)
    original_name = models.CharField(max_length=255)
    format = models.CharField(max_length=16)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file's bytes.")
    size_bytes = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Where the image stands; every change is an ImageStatusChange (``status.py`` has the rules).
    status = models.CharField(max_length=16, choices=ImageStatus.choices, default=ImageStatus.NEW)
    # A deleted image is hidden with its objects (its file is kept) until an admin brings it back.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = LiveImages()
    all_objects = models.Manager()

    class Meta:
        ordering = ["id"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(fields=["project", "checksum"], name="unique_image_per_project"),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return self.original_name


class ImageAssignment(models.Model):
    """An image handed to one annotator, optionally for some classes only (none: every class).

    Several annotators may share an image, each outlining their own objects; each says when
    their part is done (``done_at``), and the image is done when every one has.
    """

    image = models.ForeignKey(ImageAsset, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    classes = models.ManyToManyField(LabelClass, blank=True, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["image_id", "id"]
        constraints = [models.UniqueConstraint(fields=["image", "user"], name="unique_assignment")]
        indexes = [models.Index(fields=["user", "done_at"])]

    def __str__(self) -> str:
        return f"image {self.image_id} to user {self.user_id}"


class ImageStatusChange(models.Model):
    """One step of an image's status history: who moved it from what to what, and why."""

    image = models.ForeignKey(ImageAsset, on_delete=models.CASCADE, related_name="status_changes")
    before = models.CharField(max_length=16, choices=ImageStatus.choices)
    after = models.CharField(max_length=16, choices=ImageStatus.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
