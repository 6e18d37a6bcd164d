"""Reads about annotations."""

from __future__ import annotations

from django.db.models import QuerySet

from annotator.annotations.models import Annotation
from annotator.common.errors import NotFound
from annotator.images.selectors import image_rgb
from inference.masks import rle
from inference.masks.matte import alpha_matte, alpha_png


def annotation_list(*, project_id: int, image_id: int | None = None) -> QuerySet[Annotation]:
    annotations = Annotation.objects.filter(project_id=project_id).select_related(
        "label_class", "author", "image"
    )
    if image_id is not None:
        annotations = annotations.filter(image_id=image_id)
    return annotations


def annotation_get(*, project_id: int, annotation_id: int, image_id: int | None = None) -> Annotation:
    """One annotation of the project (and of that image, when given); NotFound otherwise."""
    found = annotation_list(project_id=project_id, image_id=image_id).filter(id=annotation_id).first()
    if found is None:
        raise NotFound("No such annotation in this project.", code="unknown_annotation")
    return found


def annotation_matte_png(*, annotation: Annotation) -> bytes:
    """The object's alpha matte (closed-form matting in a band around its mask's edge) as an
    8-bit greyscale PNG the size of the image."""
    image = image_rgb(image=annotation.image)
    return alpha_png(alpha_matte(image, rle.decode(annotation.mask)))
