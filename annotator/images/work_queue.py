"""Reads of an annotator's work: "My work" and the images before and after one in it.

The queue is in upload order. In an open project it holds every image still to do; otherwise
the images assigned to the user whose part they have not finished. An image someone else
finishes leaves it, so previous and next skip it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from annotator.images.models import ImageAsset
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


def work_queue(*, membership: Membership) -> QuerySet[ImageAsset]:
    """The member's queue, in order, with what the image list shows of each image."""
    return with_details(_queue(membership)).order_by("id")


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
    ids = queue.exclude(id=image_id).order_by("id").values_list("id", flat=True)
    after = ids.filter(id__gt=image_id).first()
    before = ids.filter(id__lt=image_id).order_by("-id").first()
    first = ids.first()
    last = ids.order_by("-id").first()
    return Neighbours(
        previous=before if before is not None else last,
        next=after if after is not None else first,
        remaining=queue.count(),
        scope=scope,
    )
