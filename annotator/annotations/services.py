"""Writes to annotations. Every change is a new revision (``AnnotationRevision``) and the
annotation row its current state; nothing saved is overwritten in place.

A change made from a page carries the revision it started from (``base``): one made since
refuses it (``stale_revision``), so an old page never replaces newer work. A change of an
object someone is correcting (``locks``) waits for them (``locked``).

A change made in an interaction session names it (``session``, ``source_session``): the app
sits below ``interactions`` (docs/layers.md), so it takes that row as any model and stores its id.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone

from annotator.annotations import locks
from annotator.annotations.models import Annotation, AnnotationRevision, RevisionKind
from annotator.annotations.signals import revision_saved
from annotator.common.errors import Conflict, InvalidInput, NotFound
from annotator.images.models import ImageAsset
from annotator.images.status import image_object_saved
from annotator.projects.models import LabelClass
from inference.masks import rle


def _checked_area(image: ImageAsset, mask: rle.Rle) -> int:
    if list(mask["size"]) != [image.height, image.width]:
        raise InvalidInput("The mask's size does not match the image.", code="mask_size_mismatch")
    area = rle.area(mask)
    if area == 0:
        raise InvalidInput("The mask is empty: click on the object first.", code="empty_mask")
    return area


def _revise(
    annotation: Annotation,
    kind: str,
    user: User,
    session: models.Model | None = None,
    reverted_to: int | None = None,
) -> AnnotationRevision:
    """Record the annotation's state (already set on the row, not yet saved) as its next
    revision (its first, for a new row), and save the row."""
    if annotation.pk is not None:
        annotation.revision += 1
    annotation.save()
    revision = AnnotationRevision.objects.create(
        annotation=annotation,
        number=annotation.revision,
        kind=kind,
        mask=annotation.mask,
        bbox=annotation.bbox,
        area=annotation.area,
        label_class=annotation.label_class,
        user=user,
        session_id=None if session is None else session.pk,
        reverted_to=reverted_to,
    )
    revision_saved.send(sender=Annotation, annotation=annotation)
    return revision


def _locked_row(annotation_id: int) -> Annotation:
    """The annotation (deleted or not, unless its image or class is), its row locked."""
    found = (
        Annotation.all_objects.select_for_update(of=("self",))
        .filter(id=annotation_id, image__deleted_at__isnull=True, label_class__deleted_at__isnull=True)
        .first()
    )
    if found is None:
        raise NotFound("No such annotation in this project.", code="unknown_annotation")
    return found


def _check_base(annotation: Annotation, base: int | None) -> None:
    if base is not None and base != annotation.revision:
        latest = annotation.revisions.order_by("-number").select_related("user").first()
        who = f" by {latest.user.get_username()}" if latest is not None else ""
        raise Conflict(
            f"This object changed since you opened it (revision {annotation.revision}{who}): "
            "open it again to work on the newest version.",
            code="stale_revision",
        )


@transaction.atomic
def annotation_create(
    *,
    image: ImageAsset,
    label_class: LabelClass,
    mask: rle.Rle,
    author: User,
    source_session: models.Model | None = None,
    imported: bool = False,
) -> Annotation:
    """Store an object mask (its revision 1: created, or ``imported`` as a pre-annotation to
    correct); refuses an empty mask or one whose size is not the image's."""
    area = _checked_area(image, mask)
    annotation = Annotation(
        project_id=image.project_id,
        image=image,
        label_class=label_class,
        mask=mask,
        bbox=rle.bbox(mask),
        area=area,
        author=author,
        source_session_id=None if source_session is None else source_session.pk,
    )
    _revise(annotation, RevisionKind.IMPORTED if imported else RevisionKind.CREATED, author, source_session)
    image_object_saved(image_id=image.id, user=author)
    return annotation


@transaction.atomic
def annotation_correct(
    *,
    annotation_id: int,
    image: ImageAsset,
    label_class: LabelClass,
    mask: rle.Rle,
    user: User,
    session: models.Model,
    base: int | None,
) -> Annotation:
    """The object corrected by ``session`` (its new mask and class) as a new revision by
    ``user``; its author stays. Refused when it changed since revision ``base`` or someone
    else holds it; releases the session's hold. Deleted meanwhile: the correction is stored
    as a new object, so nothing is lost."""
    try:
        annotation = _locked_row(annotation_id)
    except NotFound:
        annotation = None
    if annotation is None or annotation.deleted_at is not None or annotation.image_id != image.id:
        locks.lock_release(session_id=session.pk)
        return annotation_create(
            image=image, label_class=label_class, mask=mask, author=user, source_session=session
        )
    _check_base(annotation, base)
    locks.lock_check_free(annotation=annotation, session_id=session.pk)
    area = _checked_area(image, mask)
    kind = RevisionKind.RELABELLED if mask == annotation.mask else RevisionKind.CORRECTED
    annotation.mask, annotation.bbox, annotation.area = mask, rle.bbox(mask), area
    annotation.label_class = label_class
    _revise(annotation, kind, user, session)
    locks.lock_release(session_id=session.pk)
    return annotation


@transaction.atomic
def annotation_relabel(
    *, annotation: Annotation, label_class: LabelClass, user: User, base: int | None
) -> Annotation:
    """Give the object another class (a new revision)."""
    annotation = _locked_row(annotation.id)
    _check_base(annotation, base)
    locks.lock_check_free(annotation=annotation)
    if label_class.project_id != annotation.project_id:
        raise InvalidInput("The class belongs to another project.", code="unknown_class")
    if label_class.id == annotation.label_class_id:
        raise Conflict(f"The object is already a {label_class.name}.", code="same_class")
    annotation.label_class = label_class
    _revise(annotation, RevisionKind.RELABELLED, user)
    return annotation


@transaction.atomic
def annotation_revert(
    *, annotation: Annotation, revision: AnnotationRevision, user: User, base: int | None
) -> Annotation:
    """Make an earlier revision's mask and class the object's again (a new revision)."""
    annotation = _locked_row(annotation.id)
    if revision.annotation_id != annotation.id:
        raise NotFound("No such revision of this object.", code="unknown_revision")
    if annotation.deleted_at is not None:
        raise Conflict("The object is deleted: bring it back first.", code="object_deleted")
    _check_base(annotation, base)
    locks.lock_check_free(annotation=annotation)
    if revision.number == annotation.revision:
        raise Conflict("This is the object's current revision.", code="current_revision")
    annotation.mask, annotation.bbox, annotation.area = revision.mask, revision.bbox, revision.area
    annotation.label_class = revision.label_class
    _revise(annotation, RevisionKind.REVERTED, user, reverted_to=revision.number)
    return annotation


@transaction.atomic
def annotation_delete(*, annotation: Annotation, user: User) -> None:
    """Delete an object: hidden and kept (a revision), so it can be brought back."""
    annotation = _locked_row(annotation.id)
    if annotation.deleted_at is not None:
        raise Conflict("The object is already deleted.", code="already_deleted")
    locks.lock_check_free(annotation=annotation)
    annotation.deleted_at, annotation.deleted_by = timezone.now(), user
    _revise(annotation, RevisionKind.DELETED, user)


@transaction.atomic
def annotation_restore(*, annotation: Annotation, user: User) -> Annotation:
    """Bring a deleted object back as it was (a revision)."""
    annotation = _locked_row(annotation.id)
    if annotation.deleted_at is None:
        raise Conflict("The object is not deleted.", code="not_deleted")
    annotation.deleted_at, annotation.deleted_by = None, None
    _revise(annotation, RevisionKind.RESTORED, user)
    return annotation
