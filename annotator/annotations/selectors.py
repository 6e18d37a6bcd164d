"""Reads about annotations."""

from __future__ import annotations

from django.db.models import QuerySet

from annotator.annotations.models import Annotation
from annotator.common.errors import NotFound


def annotation_list(*, project_id: int, image_id: int | None = None) -> QuerySet[Annotation]:
    annotations = Annotation.objects.filter(project_id=project_id).select_related("label_class", "author")
    if image_id is not None:
        annotations = annotations.filter(image_id=image_id)
    return annotations


def annotation_get(*, project_id: int, annotation_id: int, image_id: int | None = None) -> Annotation:
    """One annotation of the project (and of that image, when given); NotFound otherwise."""
    found = annotation_list(project_id=project_id, image_id=image_id).filter(id=annotation_id).first()
    if found is None:
        raise NotFound("No such annotation in this project.", code="unknown_annotation")
    return found
