"""Interaction sessions (one object of one class on one image) and their ordered event log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from annotator.images.models import ImageAsset
from annotator.projects.models import LabelClass, Project


class SessionState(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    CANCELLED = "cancelled", "Cancelled"


class Worker(models.Model):
    """A Celery worker process serving sessions: its own queue and its last heartbeat.

    Sessions are pinned to a live worker (one whose heartbeat is recent) so their clicks find
    the image embedding and the session state already in that process's memory.
    """

    name = models.CharField(max_length=200, unique=True)
    queue = models.CharField(max_length=255)
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InteractionSession(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sessions")
    image = models.ForeignKey(ImageAsset, on_delete=models.CASCADE, related_name="sessions")
    label_class = models.ForeignKey(LabelClass, on_delete=models.PROTECT, related_name="sessions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions")
    state = models.CharField(max_length=16, choices=SessionState.choices, default=SessionState.OPEN)
    engine = models.CharField(max_length=32)
    pipeline = models.CharField(max_length=64, default="plain")
    worker = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    pinned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["user", "image", "state"])]


class EventKind(models.TextChoices):
    CLICK = "click", "Click"
    BOX = "box", "Box"
    SCRIBBLE = "scribble", "Scribble"
    BRUSH = "brush", "Brush or eraser stroke"
    START = "start", "Start from an existing mask"
    UNDO = "undo", "Undo"
    REDO = "redo", "Redo"
    CHOOSE = "choose", "Choose a proposed mask"
    ACCEPT = "accept", "Accept"
    CANCEL = "cancel", "Cancel"


class EventStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPLIED = "applied", "Applied"
    REJECTED = "rejected", "Rejected"


class InteractionEvent(models.Model):
    """One step of a session's log, applied in primary-key order.

    ``client_event_id`` is made by the page; the same id twice in a session is one event.
    ``result`` holds what applying it produced: for clicks and boxes the full mask after the
    step (COCO RLE), so undo, redo and recovery on another worker never rerun the model.
    The log is the truth of a session (click-path invariant 1, docs/click-path.md).
    """

    session = models.ForeignKey(InteractionSession, on_delete=models.CASCADE, related_name="events")
    client_event_id = models.CharField(max_length=64)
    seq = models.PositiveIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=EventStatus.choices, default=EventStatus.PENDING)
    result = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    engine_ms = models.FloatField(null=True, blank=True)
    applied_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "client_event_id"], name="unique_client_event"),
        ]
        indexes = [
            models.Index(fields=["session", "status"]),
            # The heartbeat's scan for events left pending (``routing.stalled_sessions``,
            # ``routing.orphaned_sessions``): the few pending rows only, oldest first.
            models.Index(
                fields=["created_at", "session"],
                condition=models.Q(status=EventStatus.PENDING),
                name="event_pending_by_age",
            ),
        ]
