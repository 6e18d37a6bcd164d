"""Per-object analytics: one row per object worked on (an interaction session that ended), and
the round-trip and engine times of every model interaction as histograms per day and worker.

Rows are written when a session ends (``services``), never recomputed from the event log on a
request; what happens to the object later (deleted, corrected again, a review verdict) is
kept up to date on its row by listeners. ``docs/analytics.md`` defines every figure.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from annotator.annotations.models import Annotation
from annotator.images.models import ImageAsset
from annotator.interactions.models import InteractionSession
from annotator.projects.models import LabelClass, Project


class WorkKind(models.TextChoices):
    OUTLINE = "outline", "A new object outlined"
    CORRECTION = "correction", "A saved object corrected"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    ABANDONED = "abandoned", "Abandoned: left without an accept"


class ReviewOutcome(models.TextChoices):
    NONE = "", "Not reviewed"
    ACCEPTED = "accepted", "Accepted in review"
    REJECTED = "rejected", "Rejected in review"


class ObjectRecord(models.Model):
    """One object worked on in one session: who, what, with which model, how many interactions
    of each kind, how long, how fast the answers came, and how it ended."""

    session = models.OneToOneField(
        InteractionSession, primary_key=True, on_delete=models.CASCADE, related_name="record"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    image = models.ForeignKey(ImageAsset, on_delete=models.CASCADE, related_name="+")
    label_class = models.ForeignKey(LabelClass, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=WorkKind.choices)
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision = models.PositiveIntegerField(null=True, blank=True, help_text="the revision the session saved")
    engine = models.CharField(max_length=32)
    pipeline = models.CharField(max_length=64)
    decoder_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="the class decoder's version when the session ended (SAM)"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    clicks = models.PositiveIntegerField(default=0)
    boxes = models.PositiveIntegerField(default=0)
    scribbles = models.PositiveIntegerField(default=0)
    brush_strokes = models.PositiveIntegerField(default=0)
    undos = models.PositiveIntegerField(default=0)
    redos = models.PositiveIntegerField(default=0)
    choices = models.PositiveIntegerField(default=0)
    noc = models.PositiveIntegerField(help_text="model interactions: clicks, boxes and scribbles")
    active_seconds = models.FloatField()
    rtt_p50_ms = models.FloatField(null=True, blank=True)
    rtt_max_ms = models.FloatField(null=True, blank=True)
    engine_p50_ms = models.FloatField(null=True, blank=True)
    engine_max_ms = models.FloatField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    deleted = models.BooleanField(default=False, help_text="the object was deleted since")
    later_revisions = models.PositiveIntegerField(default=0, help_text="revisions of the object since")
    review = models.CharField(max_length=16, choices=ReviewOutcome.choices, blank=True, default="")
    timed_through = models.PositiveBigIntegerField(
        default=0, help_text="the last event whose times are in the histograms"
    )

    class Meta:
        ordering = ["ended_at", "session_id"]
        indexes = [
            models.Index(fields=["project", "ended_at"]),
            models.Index(fields=["project", "label_class", "ended_at"]),
            models.Index(fields=["project", "user", "ended_at"]),
            models.Index(fields=["annotation"]),
        ]


class Measure(models.TextChoices):
    ROUND_TRIP = "rtt", "Round trip on the server: the interaction's arrival to its answer"
    ENGINE = "engine", "The engine's time"


class LatencyBucket(models.Model):
    """How many model interactions of a project, on a day (UTC), answered by a worker, took a
    time in bucket ``bucket`` (``histograms``: 24 buckets a decade, 1000 ms a boundary)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    worker = models.CharField(max_length=200, blank=True)
    measure = models.CharField(max_length=8, choices=Measure.choices)
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "day", "worker", "measure", "bucket"], name="unique_latency_bucket"
            )
        ]
