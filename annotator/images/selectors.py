"""Reads about images."""

from __future__ import annotations

import numpy as np
from django.db.models import Count, QuerySet
from PIL import Image, ImageOps

from annotator.common.errors import NotFound
from annotator.images.models import ImageAsset


def image_list(*, project_id: int) -> QuerySet[ImageAsset]:
    return ImageAsset.objects.filter(project_id=project_id).annotate(annotation_count=Count("annotations"))


def image_get(*, project_id: int, image_id: int) -> ImageAsset:
    image = ImageAsset.objects.filter(project_id=project_id, id=image_id).first()
    if image is None:
        raise NotFound("Image not found in this project.")
    return image


def image_project_id(*, image_id: int) -> int:
    project_id = ImageAsset.objects.filter(id=image_id).values_list("project_id", flat=True).first()
    if project_id is None:
        raise NotFound("Image not found.")
    return project_id


def image_rgb(*, image: ImageAsset) -> np.ndarray:
    """The image as the browser shows it: EXIF orientation applied, (H, W, 3) uint8 RGB."""
    with image.file.open("rb") as stream, Image.open(stream) as opened:
        upright = ImageOps.exif_transpose(opened)
        return np.asarray(upright.convert("RGB"))
