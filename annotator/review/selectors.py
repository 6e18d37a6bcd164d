"""Reads of review: the queue, where each object of an image stands, comments and history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from annotator.annotations.models import Annotation, AnnotationRevision
from annotator.common.errors import NotFound
from annotator.images.models import ImageAsset, ImageStatus
from annotator.images.selectors import with_details
from annotator.review.models import ObjectReview, ReviewComment, ReviewRound


def review_queue(*, project_id: int) -> QuerySet[ImageAsset]:
    """The images marked done and waiting for review, in order."""
    return with_details(ImageAsset.objects.filter(project_id=project_id, status=ImageStatus.DONE)).order_by(
        "id"
    )


def latest_verdicts(*, image: ImageAsset) -> dict[int, ObjectReview]:
    """Each object's latest verdict, by object id."""
    latest: dict[int, ObjectReview] = {}
    for review in ObjectReview.objects.filter(image=image).select_related("reviewer").order_by("id"):
        latest[review.annotation_id] = review
    return latest


@dataclass(frozen=True)
class ObjectState:
    """Where an object stands in review: ``new`` (never reviewed), ``changed`` (a revision
    since its last verdict, which was on ``before``), ``reviewed`` (its latest revision has a
    verdict) or ``deleted`` (deleted since it was reviewed)."""

    annotation: Annotation
    state: str
    verdict: ObjectReview | None
    before: AnnotationRevision | None


def review_state(*, image: ImageAsset) -> list[ObjectState]:
    verdicts = latest_verdicts(image=image)
    reviewed_revisions = {(v.annotation_id, v.revision) for v in verdicts.values()}
    befores = {
        r.annotation_id: r
        for r in AnnotationRevision.objects.filter(annotation__image=image).select_related("label_class")
        if (r.annotation_id, r.number) in reviewed_revisions
    }
    states = []
    shown = Annotation.objects.filter(image=image).select_related("label_class", "author").order_by("id")
    for annotation in shown:
        verdict = verdicts.get(annotation.id)
        if verdict is None:
            states.append(ObjectState(annotation, "new", None, None))
        elif verdict.revision != annotation.revision:
            states.append(ObjectState(annotation, "changed", verdict, befores.get(annotation.id)))
        else:
            states.append(ObjectState(annotation, "reviewed", verdict, None))
    gone = Annotation.all_objects.filter(image=image, deleted_at__isnull=False, id__in=list(verdicts))
    for annotation in gone.select_related("label_class", "author").order_by("id"):
        states.append(ObjectState(annotation, "deleted", verdicts[annotation.id], befores.get(annotation.id)))
    return states


def comment_list(*, image: ImageAsset) -> QuerySet[ReviewComment]:
    return ReviewComment.objects.filter(image=image).select_related("author", "resolved_by").order_by("id")


def comment_get(*, image: ImageAsset, comment_id: int) -> ReviewComment:
    found = comment_list(image=image).filter(id=comment_id).first()
    if found is None:
        raise NotFound("No such comment on this image.", code="unknown_comment")
    return found


def round_list(*, image: ImageAsset) -> QuerySet[ReviewRound]:
    return ReviewRound.objects.filter(image=image).select_related("reviewer").order_by("id")


def object_history(*, annotation: Annotation) -> tuple[QuerySet[ObjectReview], QuerySet[ReviewComment]]:
    """The object's verdicts and the comments about it, oldest first."""
    verdicts = ObjectReview.objects.filter(annotation=annotation).select_related("reviewer").order_by("id")
    comments = ReviewComment.objects.filter(annotation=annotation).select_related("author").order_by("id")
    return verdicts, comments
