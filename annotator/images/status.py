"""How an image's status moves, and the writes that move it (each change kept in its history).

    new ──first object saved──▶ in progress
    new, in progress, needs fixes ──done──▶ done     (an assignee's part only, while others
                                                      assigned to it have not finished theirs)
    done, accepted ──reopen──▶ in progress
    done, accepted, needs fixes ──review──▶ accepted or needs fixes

An image that is done or accepted has every assignment done; sending it back for fixes or
opening it again makes every assignment not done, so it is back in its annotators' queues.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from annotator.common.errors import Conflict
from annotator.images.models import ImageAsset, ImageAssignment, ImageStatus, ImageStatusChange

# Statuses in which an image still has work to do (it is in its annotators' queues).
TO_DO = (ImageStatus.NEW, ImageStatus.IN_PROGRESS, ImageStatus.NEEDS_FIXES)
FINISHED = (ImageStatus.DONE, ImageStatus.ACCEPTED)
REVIEWABLE = (ImageStatus.DONE, ImageStatus.ACCEPTED, ImageStatus.NEEDS_FIXES)
VERDICTS = (ImageStatus.ACCEPTED, ImageStatus.NEEDS_FIXES)


def _move(image: ImageAsset, after: str, user: User, note: str) -> None:
    before = image.status
    image.status = after
    image.save(update_fields=["status"])
    ImageStatusChange.objects.create(image=image, before=before, after=after, user=user, note=note[:500])


def _locked(image: ImageAsset) -> ImageAsset:
    return ImageAsset.objects.select_for_update().get(id=image.id)


def image_object_saved(*, image_id: int, user: User) -> None:
    """An object was saved on the image: a new image is in progress from now on."""
    if ImageAsset.all_objects.filter(id=image_id, status=ImageStatus.NEW).update(
        status=ImageStatus.IN_PROGRESS
    ):
        ImageStatusChange.objects.create(
            image_id=image_id,
            before=ImageStatus.NEW,
            after=ImageStatus.IN_PROGRESS,
            user=user,
            note="first object saved",
        )


@transaction.atomic
def image_finish(*, image: ImageAsset, user: User, note: str = "") -> ImageAsset:
    """The user says the image is done. An assignee finishes their part, and the image is done
    once every assignee has; anyone else (an open project, a manager) finishes the image."""
    image = _locked(image)
    if image.status in FINISHED:
        raise Conflict(f"The image is already {image.get_status_display().lower()}.", code="already_done")
    mine = ImageAssignment.objects.filter(image=image, user=user, done_at__isnull=True)
    now = timezone.now()
    if mine.exists():
        mine.update(done_at=now)
        if ImageAssignment.objects.filter(image=image, done_at__isnull=True).exists():
            return image
    else:
        ImageAssignment.objects.filter(image=image, done_at__isnull=True).update(done_at=now)
    _move(image, ImageStatus.DONE, user, note)
    return image


@transaction.atomic
def image_reopen(*, image: ImageAsset, user: User, note: str = "") -> ImageAsset:
    """Work on the image again: a finished or accepted image goes back to in progress (back in
    its annotators' queues); on an image still to do, an assignee who finished their part takes
    it up again."""
    image = _locked(image)
    if image.status in TO_DO:
        reopened = ImageAssignment.objects.filter(image=image, user=user, done_at__isnull=False).update(
            done_at=None
        )
        if not reopened:
            raise Conflict("The image is not done.", code="not_done")
        return image
    ImageAssignment.objects.filter(image=image).update(done_at=None)
    _move(image, ImageStatus.IN_PROGRESS, user, note)
    return image


@transaction.atomic
def image_review(*, image: ImageAsset, user: User, verdict: str, note: str = "") -> ImageAsset:
    """Accept a finished image, or send it back for fixes (back in its annotators' queues)."""
    image = _locked(image)
    if image.status not in REVIEWABLE:
        raise Conflict("Only an image that is done can be reviewed.", code="not_done")
    if image.status == verdict:
        raise Conflict(
            f"The image is already {image.get_status_display().lower()}.", code="invalid_transition"
        )
    if verdict == ImageStatus.NEEDS_FIXES:
        ImageAssignment.objects.filter(image=image).update(done_at=None)
    _move(image, verdict, user, note)
    return image


def images_settle(*, image_ids: Iterable[int], user: User, note: str) -> None:
    """After assignments change (call inside the transaction that changed them): each image
    still to do whose assignees have all finished is done; each finished image someone new was
    given is in progress again. One read finds the few that move."""
    held = ImageAssignment.objects.filter(image=OuterRef("pk"))
    moving = (
        ImageAsset.all_objects.select_for_update()
        .filter(id__in=list(image_ids))
        .alias(has_assignees=Exists(held), has_undone=Exists(held.filter(done_at__isnull=True)))
        .filter(
            Q(status__in=TO_DO, has_assignees=True, has_undone=False)
            | Q(status__in=FINISHED, has_undone=True)
        )
        .order_by("id")
    )
    for image in moving:
        _move(image, ImageStatus.DONE if image.status in TO_DO else ImageStatus.IN_PROGRESS, user, note)
