"""Saving objects the way the accept path does (through the real service), for tests that need
some on an image."""

from __future__ import annotations

import numpy as np
from django.contrib.auth.models import User

from annotator.annotations.models import Annotation
from annotator.annotations.services import annotation_create
from annotator.images.models import ImageAsset
from annotator.projects.models import LabelClass
from inference.masks import rle


def save_object(image: ImageAsset, label_class: LabelClass, author: User, *, at: int = 4) -> Annotation:
    """An 8x8 square object with its corner at (at, at)."""
    mask = np.zeros((image.height, image.width), dtype=bool)
    mask[at : at + 8, at : at + 8] = True
    return annotation_create(image=image, label_class=label_class, mask=rle.encode(mask), author=author)
