"""Projects, their label classes, who may work in them and the invitations to join."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models


class Assignment(models.TextChoices):
    """How a project hands out its images."""

    OPEN = "open", "Open: every annotator sees every image"
    ASSIGNED = "assigned", "Assigned: admins and managers hand images out"
    ON_DEMAND = "on_demand", "On demand: annotators also take the next unassigned image themselves"


class Project(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    engine = models.CharField(max_length=32, default="grabcut")
    # Stages around the engine (inference.pipelines): "plain", "crop+merge", ...
    pipeline = models.CharField(max_length=64, default="plain")
    assignment = models.CharField(max_length=16, choices=Assignment.choices, default=Assignment.OPEN)
    # Whether annotators may correct each other's objects (managers, admins and reviewers may).
    annotators_correct_others = models.BooleanField(default=False)
    # Analytics count an accepted object that took more than this many model interactions
    # (clicks, boxes, scribbles) as a failure (the seeds' FR_20).
    noc_limit = models.PositiveSmallIntegerField(default=20)
    # Archived projects are read-only and listed apart; their admin can bring them back.
    archived_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class LiveManager(models.Manager["LabelClass"]):
    """Classes not deleted (``LabelClass.all_objects`` has every one)."""

    def get_queryset(self) -> models.QuerySet[LabelClass]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class LabelClass(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="label_classes")
    name = models.CharField(max_length=100)
    colour = models.CharField(
        max_length=7,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Colour must look like #1e90ff.")],
    )
    # A deleted class is hidden with its objects and can be brought back by an admin.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Where the class stands in the project's lists (the annotation page's drop-down, its number
    # keys, exports' category order); a new class goes last.
    position = models.PositiveIntegerField(default=0)

    objects = LiveManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["position", "id"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                condition=models.Q(deleted_at__isnull=True),
                name="unique_class_name_per_project",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    REVIEWER = "reviewer", "Reviewer"
    ANNOTATOR = "annotator", "Annotator"


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.project_id}:{self.role}"


class Invitation(models.Model):
    """A link that lets one person join the project with a role, until it expires.

    Only a digest of the link's secret is stored: the link itself is shown once, when the
    invitation is made.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=16, choices=Role.choices)
    email = models.EmailField(blank=True)
    token_digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the link's secret.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"invitation {self.id} to {self.project_id} as {self.role}"
