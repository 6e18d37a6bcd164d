"""Writes to annotations."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from annotator.annotations.models import Annotation
from annotator.common.errors import Conflict, InvalidInput
from annotator.images.models import ImageAsset
from annotator.images.status import image_object_saved
from annotator.interactions.models import InteractionSession
from annotator.projects.models import LabelClass
from inference.masks import rle


def _checked_area(image: ImageAsset, mask: rle.Rle) -> int:
    if list(mask["size"]) != [image.height, image.width]:
        raise InvalidInput("The mask's size does not match the image.", code="mask_size_mismatch")
    area = rle.area(mask)
    if area == 0:
        raise InvalidInput("The mask is empty: click on the object first.", code="empty_mask")
    return area


@transaction.atomic
def annotation_create(
    *,
    image: ImageAsset,
    label_class: LabelClass,
    mask: rle.Rle,
    author: User,
    source_session: InteractionSession | None = None,
) -> Annotation:
    """Store an object mask; refuses an empty mask or one whose size is not the image's."""
    area = _checked_area(image, mask)
    annotation = Annotation.objects.create(
        project_id=image.project_id,
        image=image,
        label_class=label_class,
        mask=mask,
        bbox=rle.bbox(mask),
        area=area,
        author=author,
        source_session=source_session,
    )
    image_object_saved(image_id=image.id, user=author)
    return annotation


@transaction.atomic
def annotation_correct(
    *,
    annotation_id: int,
    image: ImageAsset,
    label_class: LabelClass,
    mask: rle.Rle,
    author: User,
    source_session: InteractionSession,
) -> Annotation:
    """Replace an annotation's mask and class with a corrected one (same id, so exports and
    references keep it); if it was deleted meanwhile, the correction is stored as a new one."""
    live = Annotation.objects.select_for_update(of=("self",))
    annotation = live.filter(id=annotation_id, image=image).first()
    if annotation is None:
        return annotation_create(
            image=image, label_class=label_class, mask=mask, author=author, source_session=source_session
        )
    area = _checked_area(image, mask)
    annotation.mask = mask
    annotation.bbox = rle.bbox(mask)
    annotation.area = area
    annotation.label_class = label_class
    annotation.author = author
    annotation.source_session = source_session
    annotation.save(update_fields=["mask", "bbox", "area", "label_class", "author", "source_session"])
    return annotation


@transaction.atomic
def annotation_delete(*, annotation: Annotation, user: User) -> None:
    """Delete an object: hidden and kept, so it can be brought back."""
    if not Annotation.all_objects.filter(id=annotation.id, deleted_at__isnull=True).update(
        deleted_at=timezone.now(), deleted_by=user
    ):
        raise Conflict("The object is already deleted.", code="already_deleted")


@transaction.atomic
def annotation_restore(*, annotation: Annotation) -> Annotation:
    """Bring a deleted object back as it was."""
    if not Annotation.all_objects.filter(id=annotation.id, deleted_at__isnull=False).update(
        deleted_at=None, deleted_by=None
    ):
        raise Conflict("The object is not deleted.", code="not_deleted")
    annotation.refresh_from_db()
    return annotation
