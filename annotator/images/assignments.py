"""Writes that hand images out: assign, take back, and take the next one on demand.

Every write here first locks the project's row, so two of them in one project run one after
the other: two annotators taking "next" at the same moment get different images, and a
manager's batch never hands out an image someone took meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from annotator.common.errors import Conflict, InvalidInput
from annotator.images.models import ImageAsset, ImageAssignment
from annotator.images.status import TO_DO, images_settle
from annotator.projects.models import Assignment, LabelClass, Membership, Project

MAX_BATCH = 1000


def _lock(project: Project) -> None:
    Project.objects.select_for_update().filter(id=project.id).first()


def unassigned_images(project: Project) -> QuerySet[ImageAsset]:
    """Images with work to do that nobody holds, in upload order."""
    return ImageAsset.objects.filter(project=project, status__in=TO_DO, assignments__isnull=True).order_by(
        "id"
    )


def _check_member(project: Project, user: User) -> None:
    if not Membership.objects.filter(project=project, user=user).exists():
        raise InvalidInput(f"{user.get_username()} is not a member of this project.", code="unknown_member")


def _checked_classes(project: Project, class_ids: Sequence[int]) -> list[LabelClass]:
    classes = list(LabelClass.objects.filter(project=project, id__in=class_ids))
    if len(classes) != len(set(class_ids)):
        raise InvalidInput("Some of these classes are not in this project.", code="unknown_class")
    return classes


def _checked_images(project: Project, image_ids: Sequence[int]) -> list[ImageAsset]:
    if len(image_ids) > MAX_BATCH:
        raise InvalidInput(f"Assign at most {MAX_BATCH} images at a time.", code="batch_too_large")
    images = list(ImageAsset.objects.filter(project=project, id__in=image_ids).order_by("id"))
    if len(images) != len(set(image_ids)):
        raise InvalidInput("Some of these images are not in this project.", code="unknown_image")
    return images


@transaction.atomic
def images_assign(
    *,
    project: Project,
    user: User,
    assigned_by: User,
    image_ids: Sequence[int] | None = None,
    count: int | None = None,
    class_ids: Sequence[int] = (),
) -> list[int]:
    """Give the user these images, or the next ``count`` unassigned ones, optionally for some
    classes only; returns the ids of the images newly given (an image the user already holds
    keeps its assignment, with these classes)."""
    _lock(project)
    _check_member(project, user)
    classes = _checked_classes(project, class_ids)
    if count is not None:
        if not 1 <= count <= MAX_BATCH:
            raise InvalidInput(f"Give 1 to {MAX_BATCH} images at a time.", code="batch_too_large")
        images = list(unassigned_images(project)[:count])
    else:
        images = _checked_images(project, image_ids or ())
    held = dict(ImageAssignment.objects.filter(user=user, image__in=images).values_list("image_id", "id"))
    created = ImageAssignment.objects.bulk_create(
        [
            ImageAssignment(image=image, user=user, assigned_by=assigned_by)
            for image in images
            if image.id not in held
        ]
    )
    assignment_ids = [a.id for a in created] + list(held.values())
    through = ImageAssignment.classes.through
    through.objects.filter(imageassignment_id__in=assignment_ids).delete()
    through.objects.bulk_create(
        [through(imageassignment_id=a, labelclass_id=c.id) for a in assignment_ids for c in classes]
    )
    given = [a.image_id for a in created]
    images_settle(image_ids=given, user=assigned_by, note=f"assigned to {user.get_username()}")
    return given


@transaction.atomic
def images_unassign(
    *, project: Project, image_ids: Sequence[int], taken_by: User, user: User | None = None
) -> int:
    """Take these images back from the user (from everyone, without one); what was saved on
    them stays. Returns how many assignments ended."""
    _lock(project)
    images = _checked_images(project, image_ids)
    assignments = ImageAssignment.objects.filter(image__in=images)
    if user is not None:
        assignments = assignments.filter(user=user)
    touched = set(assignments.values_list("image_id", flat=True))
    ended = assignments.count()
    assignments.delete()
    images_settle(image_ids=touched, user=taken_by, note="assignment taken back")
    return ended


@transaction.atomic
def image_take_next(*, project: Project, user: User) -> ImageAsset:
    """The next unassigned image, now the user's (projects that hand images out on demand)."""
    if project.assignment != Assignment.ON_DEMAND:
        raise Conflict("In this project, images are handed out by its managers.", code="not_on_demand")
    _lock(project)
    image = unassigned_images(project).first()
    if image is None:
        raise Conflict("No unassigned image is left.", code="nothing_to_take")
    ImageAssignment.objects.create(image=image, user=user, assigned_by=user)
    return image


def member_left(*, project_id: int, user_id: int, removed_by: User) -> None:
    """A member was removed: the images they had not finished go back to be handed out (what
    they finished stays theirs in the history)."""
    unfinished = ImageAssignment.objects.filter(
        image__project_id=project_id, user_id=user_id, done_at__isnull=True
    )
    touched = set(unfinished.values_list("image_id", flat=True))
    unfinished.delete()
    images_settle(image_ids=touched, user=removed_by, note="assignee removed from the project")
