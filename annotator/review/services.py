"""Writes of review: a verdict per object, comments, and finishing the review of an image.

Only an image marked done is reviewed. Finishing needs a verdict on the latest revision of
every object: all accepted, the image is accepted; any rejected, it goes back as "needs fixes"
to its annotators, whose queues show it first. A reviewer who fixes an object themselves makes
a revision like anyone (``annotations.services``), which is then theirs to review again.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from annotator.annotations.models import Annotation
from annotator.common.errors import Conflict, InvalidInput
from annotator.images.models import ImageAsset, ImageStatus
from annotator.images.status import image_review
from annotator.review.models import ObjectReview, ReviewComment, ReviewRound, Verdict
from annotator.review.selectors import latest_verdicts
from annotator.review.signals import verdict_given


def _locked_done(image: ImageAsset) -> ImageAsset:
    image = ImageAsset.objects.select_for_update().get(id=image.id)
    if image.status != ImageStatus.DONE:
        raise Conflict(
            f"Only an image marked done is reviewed; this one is {image.get_status_display().lower()}.",
            code="not_done",
        )
    return image


@transaction.atomic
def object_verdict(
    *,
    annotation: Annotation,
    reviewer: User,
    verdict: str,
    comment: str = "",
    x: float | None = None,
    y: float | None = None,
) -> ObjectReview:
    """Accept or reject the object as it is now (its latest revision), with a comment if given
    (pinned to (x, y) if given)."""
    if verdict not in Verdict.values:
        raise InvalidInput(f"A verdict is one of {', '.join(Verdict.values)}.", code="invalid_verdict")
    image = _locked_done(annotation.image)
    review = ObjectReview.objects.create(
        annotation=annotation, image=image, revision=annotation.revision, verdict=verdict, reviewer=reviewer
    )
    verdict_given.send(sender=ObjectReview, review=review)
    if comment.strip():
        comment_add(image=image, author=reviewer, text=comment, annotation=annotation, x=x, y=y)
    return review


def comment_add(
    *,
    image: ImageAsset,
    author: User,
    text: str,
    annotation: Annotation | None = None,
    x: float | None = None,
    y: float | None = None,
) -> ReviewComment:
    """A note on the image, about one of its objects or not, pinned to a point or not."""
    text = text.strip()
    if not text:
        raise InvalidInput("A comment needs some text.", code="empty_comment")
    if annotation is not None and annotation.image_id != image.id:
        raise InvalidInput("That object is on another image.", code="object_not_on_image")
    if (x is None) != (y is None):
        raise InvalidInput("A pin needs both x and y.", code="invalid_pin")
    if x is not None and y is not None and not (0 <= x < image.width and 0 <= y < image.height):
        raise InvalidInput(
            f"({x:g}, {y:g}) is outside the {image.width}x{image.height} image.", code="outside_image"
        )
    return ReviewComment.objects.create(
        image=image, annotation=annotation, author=author, text=text[:2000], x=x, y=y
    )


@transaction.atomic
def comment_resolve(*, comment: ReviewComment, user: User) -> ReviewComment:
    if comment.resolved_at is not None:
        raise Conflict("The comment is already resolved.", code="already_resolved")
    comment.resolved_at, comment.resolved_by = timezone.now(), user
    comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment


@transaction.atomic
def review_finish(*, image: ImageAsset, reviewer: User, note: str = "") -> ReviewRound:
    """End the review of a done image: accepted when every object's latest revision is, else
    back to its annotators as needs fixes. The comments on accepted objects are resolved."""
    image = _locked_done(image)
    objects = list(Annotation.objects.filter(image=image))
    verdicts = latest_verdicts(image=image)
    unreviewed = [a.id for a in objects if a.id not in verdicts or verdicts[a.id].revision != a.revision]
    if unreviewed:
        raise Conflict(
            f"{len(unreviewed)} object(s) have no verdict on their latest revision: #"
            + ", #".join(str(i) for i in unreviewed[:10]),
            code="objects_unreviewed",
        )
    accepted = [a.id for a in objects if verdicts[a.id].verdict == Verdict.ACCEPTED]
    rejected = len(objects) - len(accepted)
    outcome = ImageStatus.NEEDS_FIXES if rejected else ImageStatus.ACCEPTED
    summary = f"{len(accepted)} accepted, {rejected} rejected" + (f": {note}" if note else "")
    image_review(image=image, user=reviewer, verdict=outcome, note=summary)
    ReviewComment.objects.filter(annotation_id__in=accepted, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=reviewer
    )
    return ReviewRound.objects.create(
        image=image,
        reviewer=reviewer,
        outcome=outcome,
        accepted=len(accepted),
        rejected=rejected,
        note=note[:500],
    )
