"""Reads of an annotator's work: "My work" and the images before and after one in it.

The queue holds, in an open project, every image still to do; otherwise the images assigned to
the user whose part they have not finished. Images sent back for fixes come first, then the
others in upload order. An image someone else finishes leaves it, so previous and next skip it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from annotator.images.models import ImageAsset, ImageStatus
from annotator.images.selectors import with_details
from annotator.images.status import TO_DO
from annotator.projects.models import Assignment, Membership, Role


def _queue(membership: Membership) -> QuerySet[ImageAsset]:
    images = ImageAsset.objects.filter(project_id=membership.project_id, status__in=TO_DO)
    if membership.project.assignment != Assignment.OPEN:
        # A join from the user's unfinished assignments (one per image at most): the planner
        # starts from their index whatever its row estimates.
        images = images.filter(assignments__user_id=membership.user_id, assignments__done_at__isnull=True)
    return images


# Sent back for fixes first.
PRIORITY = Case(
    When(status=ImageStatus.NEEDS_FIXES, then=Value(0)), default=Value(1), output_field=IntegerField()
)


def work_queue(*, membership: Membership) -> QuerySet[ImageAsset]:
    """The member's queue, in order, with what the image list shows of each image."""
    return with_details(_queue(membership)).annotate(priority=PRIORITY).order_by("priority", "id")


@dataclass(frozen=True)
class Neighbours:
    """The images before and after one (None: there is none), the queue's length, and what the
    user moves along: their ``queue``, or ``all`` the project's images (a manager, admin or
    reviewer with no work of their own in a project that hands images out)."""

    previous: int | None
    next: int | None
    remaining: int
    scope: str


def work_neighbours(*, membership: Membership, image_id: int) -> Neighbours:
    """Previous and next around ``image_id``, wrapping around the ends (an image skipped
    earlier comes round again); neither is ``image_id`` itself."""
    queue = _queue(membership)
    scope = "queue"
    if (
        membership.role != Role.ANNOTATOR
        and membership.project.assignment != Assignment.OPEN
        and not queue.exists()
    ):
        queue = ImageAsset.objects.filter(project_id=membership.project_id)
        scope = "all"
    status = ImageAsset.objects.filter(id=image_id).values_list("status", flat=True).first()
    rank = 0 if status == ImageStatus.NEEDS_FIXES else 1
    others = queue.exclude(id=image_id).annotate(priority=PRIORITY)
    forward = others.order_by("priority", "id").values_list("id", flat=True)
    backward = others.order_by("-priority", "-id").values_list("id", flat=True)
    after = forward.filter(Q(priority__gt=rank) | Q(priority=rank, id__gt=image_id)).first()
    before = backward.filter(Q(priority__lt=rank) | Q(priority=rank, id__lt=image_id)).first()
    first, last = forward.first(), backward.first()
    return Neighbours(
        previous=before if before is not None else last,
        next=after if after is not None else first,
        remaining=queue.count(),
        scope=scope,
    )
