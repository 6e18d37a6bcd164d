"""Review per object: verdicts on the revision reviewed, comments (pinned to a point or not),
and each finished review of an image."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from annotator.annotations.models import Annotation
from annotator.images.models import ImageAsset


class Verdict(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class ObjectReview(models.Model):
    """A reviewer's verdict on one revision of an object. A later revision of the object is
    unreviewed until someone reviews it again."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="reviews")
    image = models.ForeignKey(ImageAsset, on_delete=models.CASCADE, related_name="object_reviews")
    revision = models.PositiveIntegerField(help_text="the object's revision that was reviewed")
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["annotation", "id"])]


class ReviewComment(models.Model):
    """A reviewer's note on an image, about one of its objects or not, pinned to a point (x, y
    in image pixels) or not; resolved when the object is accepted later."""

    image = models.ForeignKey(ImageAsset, on_delete=models.CASCADE, related_name="review_comments")
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.CASCADE, related_name="review_comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    x = models.FloatField(null=True, blank=True)
    y = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]


class ReviewRound(models.Model):
    """One finished review of an image: who, when, and what came of it."""

    image = models.ForeignKey(ImageAsset, on_delete=models.CASCADE, related_name="review_rounds")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=16, help_text="accepted or needs_fixes")
    accepted = models.PositiveIntegerField()
    rejected = models.PositiveIntegerField()
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
