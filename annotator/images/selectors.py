"""Reads about images: lists with filters, who may see one, the pixels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from PIL import Image, ImageOps

from annotator.common.errors import InvalidInput, NotFound
from annotator.images.models import ImageAsset, ImageAssignment, ImageStatus, ImageStatusChange
from annotator.images.status import TO_DO
from annotator.projects.models import Assignment, Membership, Project
from annotator.projects.permissions import Action, allowed
from annotator.projects.selectors import User, check_allowed, membership_get

ORDERINGS = {
    "id": ("id",),
    "-id": ("-id",),
    "name": ("original_name", "id"),
    "-name": ("-original_name", "-id"),
    "status": ("status", "id"),
    "objects": ("annotation_count", "id"),
    "-objects": ("-annotation_count", "id"),
}


def _live_objects() -> Q:
    return Q(annotations__deleted_at__isnull=True, annotations__label_class__deleted_at__isnull=True)


def with_details(images: QuerySet[ImageAsset]) -> QuerySet[ImageAsset]:
    """Images with their object count and their assignees (for ``ImageSerializer``)."""
    assignments = ImageAssignment.objects.select_related("user").order_by("id")
    return images.annotate(annotation_count=Count("annotations", filter=_live_objects())).prefetch_related(
        Prefetch("assignments", queryset=assignments)
    )


@dataclass(frozen=True)
class ImageFilters:
    """What the image list is narrowed to: statuses, an assignee (a user id, ``"none"`` for
    nobody, ``"me"``), whether it has objects, a part of its file name, and an order."""

    statuses: tuple[str, ...] = ()
    assignee: str | None = None
    has_objects: bool | None = None
    name: str = ""
    ordering: str = "id"

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> ImageFilters:
        statuses = tuple(s for s in params.get("status", "").split(",") if s)
        unknown = [s for s in statuses if s not in ImageStatus.values]
        if unknown:
            raise InvalidInput(
                f"Unknown status {unknown[0]!r}; choose from {', '.join(ImageStatus.values)}.",
                code="invalid_filter",
            )
        assignee = params.get("assignee") or None
        if assignee not in (None, "none", "me") and not (str(assignee).isascii() and str(assignee).isdigit()):
            raise InvalidInput("'assignee' is a user id, 'none' or 'me'.", code="invalid_filter")
        has_objects = params.get("has_objects")
        if has_objects not in (None, "", "true", "false"):
            raise InvalidInput("'has_objects' is true or false.", code="invalid_filter")
        ordering = params.get("ordering") or "id"
        if ordering not in ORDERINGS:
            raise InvalidInput(f"'ordering' is one of {', '.join(ORDERINGS)}.", code="invalid_filter")
        return cls(
            statuses=statuses,
            assignee=assignee,
            has_objects=None if not has_objects else has_objects == "true",
            name=params.get("name", "").strip(),
            ordering=ordering,
        )


def image_list(
    *,
    project_id: int,
    filters: ImageFilters = ImageFilters(),
    user_id: int | None = None,
    deleted: bool = False,
) -> QuerySet[ImageAsset]:
    """The project's images, narrowed by ``filters`` (``user_id``: who "me" is); the deleted
    ones instead, with ``deleted``."""
    images = with_details(
        ImageAsset.all_objects.filter(project_id=project_id, deleted_at__isnull=not deleted)
    )
    if filters.statuses:
        images = images.filter(status__in=filters.statuses)
    if filters.assignee == "none":
        images = images.filter(assignments__isnull=True)
    elif filters.assignee is not None:
        holder = int(filters.assignee) if filters.assignee != "me" else user_id
        holders = ImageAssignment.objects.filter(image=OuterRef("pk"), user_id=holder or 0)
        images = images.filter(Exists(holders))
    if filters.has_objects is not None:
        with_objects = Q(annotation_count__gt=0)
        images = images.filter(with_objects if filters.has_objects else ~with_objects)
    if filters.name:
        images = images.filter(original_name__icontains=filters.name)
    return images.order_by(*ORDERINGS[filters.ordering])


def sees_every_image(membership: Membership) -> bool:
    """Whether the member may see every image of the project: not an annotator in a project
    that hands images out (who sees those assigned to them)."""
    return (
        allowed(membership.role, Action.IMAGE_VIEW, own=False)
        or membership.project.assignment == Assignment.OPEN
    )


def visible_images(*, membership: Membership, images: QuerySet[ImageAsset]) -> QuerySet[ImageAsset]:
    """What of ``images`` the member may see."""
    if sees_every_image(membership):
        return images
    return images.filter(
        Exists(ImageAssignment.objects.filter(image=OuterRef("pk"), user_id=membership.user_id))
    )


def image_get(*, project_id: int, image_id: int, deleted: bool | None = False) -> ImageAsset:
    """One image of the project: a live one, a deleted one (``deleted``) or either (None);
    NotFound otherwise."""
    images = ImageAsset.all_objects.filter(project_id=project_id, id=image_id)
    if deleted is not None:
        images = images.filter(deleted_at__isnull=not deleted)
    image = with_details(images).first()
    if image is None:
        raise NotFound("Image not found in this project.", code="unknown_image")
    return image


def image_project_id(*, image_id: int) -> int:
    project_id = ImageAsset.all_objects.filter(id=image_id).values_list("project_id", flat=True).first()
    if project_id is None:
        raise NotFound("Image not found.", code="unknown_image")
    return project_id


def image_is_own(*, membership: Membership, image_id: int) -> bool:
    """Whether the image is the member's: assigned to them, or any image of an open project."""
    if membership.project.assignment == Assignment.OPEN:
        return True
    return ImageAssignment.objects.filter(image_id=image_id, user_id=membership.user_id).exists()


def image_access(
    *, user: User, image_id: int, action: Action, deleted: bool | None = False
) -> tuple[Membership, ImageAsset]:
    """The user's membership and the image, if they may do ``action`` on it (its ownership is
    asked only where the role's rule depends on it)."""
    membership = membership_get(user=user, project_id=image_project_id(image_id=image_id))
    image = image_get(project_id=membership.project_id, image_id=image_id, deleted=deleted)
    check_allowed(membership, action, own=_own(membership, action, image_id))
    return membership, image


def _own(membership: Membership, action: Action, image_id: int) -> bool:
    if allowed(membership.role, action, own=False) or not allowed(membership.role, action, own=True):
        return True
    return image_is_own(membership=membership, image_id=image_id)


def image_rgb(*, image: ImageAsset) -> np.ndarray:
    """The image as the browser shows it: EXIF orientation applied, (H, W, 3) uint8 RGB."""
    with image.file.open("rb") as stream, Image.open(stream) as opened:
        upright = ImageOps.exif_transpose(opened)
        return np.asarray(upright.convert("RGB"))


def image_history(*, image: ImageAsset) -> QuerySet[ImageStatusChange]:
    return ImageStatusChange.objects.filter(image=image).select_related("user").order_by("id")


def assignment_list(*, project_id: int, user_id: int | None = None) -> QuerySet[ImageAssignment]:
    assignments = ImageAssignment.objects.filter(image__project_id=project_id).select_related("user", "image")
    if user_id is not None:
        assignments = assignments.filter(user_id=user_id)
    return assignments.prefetch_related("classes").order_by("image_id", "user__username")


def assigned_class_ids(*, image_id: int, user_id: int) -> list[int] | None:
    """The classes the user was given on this image (None: no assignment, or every class)."""
    assignment = ImageAssignment.objects.filter(image_id=image_id, user_id=user_id).first()
    if assignment is None:
        return None
    ids = list(assignment.classes.values_list("id", flat=True))
    return ids or None


@dataclass(frozen=True)
class Progress:
    total: int
    by_status: dict[str, int]
    unassigned: int
    by_assignee: list[dict[str, object]]


def project_progress(*, project: Project) -> Progress:
    """How far the project is: images per status, those nobody holds, and per assignee how
    many images they hold and have finished."""
    images = ImageAsset.objects.filter(project=project)
    counts = dict(images.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_status = {status: counts.get(status, 0) for status in ImageStatus.values}
    unassigned = images.filter(status__in=TO_DO)
    per_user = (
        ImageAssignment.objects.filter(image__project=project, image__deleted_at__isnull=True)
        .values("user_id", "user__username")
        .annotate(assigned=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
        .order_by("user__username")
    )
    return Progress(
        total=sum(by_status.values()),
        by_status=by_status,
        unassigned=unassigned.filter(assignments__isnull=True).count(),
        by_assignee=[
            {
                "user_id": row["user_id"],
                "username": row["user__username"],
                "assigned": row["assigned"],
                "done": row["done"],
            }
            for row in per_user
        ],
    )
