"""Per-class copies of SAM's mask decoder, adapted online (seed 004), with their history.

``ClassDecoder`` is the head: the class's current version with its full state (weights and
Adam moments, as ``torch.save`` writes them; empty while the class still uses the base
checkpoint's decoder). ``DecoderVersion`` is one row per version; retained versions keep
their full state too, the others only their bookkeeping, so storage stays bounded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from annotator.projects.models import LabelClass, Project


class ClassDecoder(models.Model):
    label_class = models.OneToOneField(LabelClass, on_delete=models.CASCADE, related_name="decoder")
    version = models.PositiveIntegerField(default=0)
    images_seen = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    state = models.BinaryField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class VersionReason(models.TextChoices):
    BASE = "base", "The base checkpoint's decoder"
    ADAPTED = "adapted", "Adapted from an accepted object"
    ROLLBACK = "rollback", "Rolled back to an earlier version"
    RESET = "reset", "Reset to the base decoder"


class DecoderVersion(models.Model):
    label_class = models.ForeignKey(LabelClass, on_delete=models.CASCADE, related_name="decoder_versions")
    version = models.PositiveIntegerField()
    parent = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=16, choices=VersionReason.choices)
    images_seen = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Full state while retained; ``state_bytes`` stays (0: the base decoder, which has none).
    state = models.BinaryField(null=True, blank=True)
    state_bytes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["label_class", "version"]
        constraints = [
            models.UniqueConstraint(fields=["label_class", "version"], name="unique_decoder_version"),
        ]


class ClickAdaptation(models.TextChoices):
    OFF = "off", "Off"
    RESET = "reset", "After every click, on a copy dropped when the object is done (R)"
    CONTINUAL = "continual", "After every click, kept into the class decoder (C)"


class ResultUse(models.TextChoices):
    OFF = "off", "Not used"
    UNTREATED = "untreated", "The accepted mask as it is (U)"
    ERODED = "eroded", "The accepted mask, eroded at its edge (E)"


class ProjectAdaptation(models.Model):
    """A project's switch and variant of online adaptation (seed 004's CA, RM, CM, lr, k).

    A project without a row uses the settings' defaults (``MASKLOOP_ADAPTATION_*``).
    """

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="adaptation")
    enabled = models.BooleanField(default=True)
    click = models.CharField(max_length=16, choices=ClickAdaptation.choices)
    result = models.CharField(max_length=16, choices=ResultUse.choices)
    click_mask = models.BooleanField()
    lr = models.FloatField()
    erosions = models.PositiveSmallIntegerField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)


class CheckStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a worker"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ReplayCheck(models.Model):
    """The robot user on the class's last accepted masks, with the current decoder and a
    candidate version side by side (NoC and FR), before the candidate is trusted."""

    label_class = models.ForeignKey(LabelClass, on_delete=models.CASCADE, related_name="replay_checks")
    current_version = models.PositiveIntegerField()
    candidate_version = models.PositiveIntegerField()
    objects_requested = models.PositiveIntegerField()
    max_clicks = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=CheckStatus.choices, default=CheckStatus.PENDING)
    result = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
