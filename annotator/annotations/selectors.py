"""Reads about annotations."""

from __future__ import annotations

from django.db.models import QuerySet

from annotator.annotations.models import Annotation


def annotation_list(*, project_id: int, image_id: int | None = None) -> QuerySet[Annotation]:
    annotations = Annotation.objects.filter(project_id=project_id).select_related("label_class", "author")
    if image_id is not None:
        annotations = annotations.filter(image_id=image_id)
    return annotations
