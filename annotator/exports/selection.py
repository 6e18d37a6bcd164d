"""Reads of an export: which images and objects it takes, and the train/val split."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import QuerySet

from annotator.annotations.models import Annotation
from annotator.common.errors import InvalidInput
from annotator.images.models import ImageAsset, ImageStatus
from annotator.projects.models import LabelClass, Project

BATCH = 200


@dataclass(frozen=True)
class Selection:
    """What an export takes: images of these statuses (none: all), objects of these classes
    (none: all), these images (none: all), and the share of images that go to "val" (0: one
    set, no split), drawn with ``seed``."""

    statuses: tuple[str, ...] = ()
    class_ids: tuple[int, ...] = ()
    image_ids: tuple[int, ...] = ()
    val_fraction: float = 0.0
    seed: int = 0

    @classmethod
    def parse(cls, options: Mapping[str, Any]) -> Selection:
        statuses = tuple(str(s) for s in options.get("statuses") or ())
        unknown = [s for s in statuses if s not in ImageStatus.values]
        if unknown:
            raise InvalidInput(f"Unknown status {unknown[0]!r}.", code="invalid_selection")
        try:
            class_ids = tuple(int(c) for c in options.get("classes") or ())
            image_ids = tuple(int(i) for i in options.get("images") or ())
            val_fraction = float(options.get("val_fraction") or 0.0)
            seed = int(options.get("seed") or 0)
        except (TypeError, ValueError):
            raise InvalidInput(
                "Classes and images are ids; val_fraction a number; seed an integer.",
                code="invalid_selection",
            ) from None
        if not 0.0 <= val_fraction < 1.0:
            raise InvalidInput("val_fraction is at least 0 and below 1.", code="invalid_selection")
        return cls(statuses, class_ids, image_ids, val_fraction, seed)

    def as_options(self) -> dict[str, Any]:
        return {
            "statuses": list(self.statuses),
            "classes": list(self.class_ids),
            "images": list(self.image_ids),
            "val_fraction": self.val_fraction,
            "seed": self.seed,
        }


def check_selection(*, project: Project, selection: Selection) -> None:
    """Refuse classes or images that are not the project's."""
    if selection.class_ids:
        found = LabelClass.objects.filter(project=project, id__in=selection.class_ids).count()
        if found != len(set(selection.class_ids)):
            raise InvalidInput("Some of these classes are not in this project.", code="unknown_class")
    if selection.image_ids:
        found = ImageAsset.objects.filter(project=project, id__in=selection.image_ids).count()
        if found != len(set(selection.image_ids)):
            raise InvalidInput("Some of these images are not in this project.", code="unknown_image")


def export_classes(*, project: Project, selection: Selection) -> list[LabelClass]:
    classes = LabelClass.objects.filter(project=project).order_by("id")
    if selection.class_ids:
        classes = classes.filter(id__in=selection.class_ids)
    return list(classes)


def export_images(*, project: Project, selection: Selection) -> QuerySet[ImageAsset]:
    images = ImageAsset.objects.filter(project=project).order_by("id")
    if selection.statuses:
        images = images.filter(status__in=selection.statuses)
    if selection.image_ids:
        images = images.filter(id__in=selection.image_ids)
    return images


def export_batches(
    *, project: Project, selection: Selection
) -> Iterator[list[tuple[ImageAsset, list[Annotation]]]]:
    """The selected images with their selected objects, ``BATCH`` images at a time, so memory
    holds one batch however large the project."""
    images = export_images(project=project, selection=selection)
    last = 0
    while True:
        batch = list(images.filter(id__gt=last)[:BATCH])
        if not batch:
            return
        objects = Annotation.objects.filter(image__in=batch).order_by("id")
        if selection.class_ids:
            objects = objects.filter(label_class_id__in=selection.class_ids)
        by_image: dict[int, list[Annotation]] = {image.id: [] for image in batch}
        for annotation in objects:
            by_image[annotation.image_id].append(annotation)
        yield [(image, by_image[image.id]) for image in batch]
        last = batch[-1].id


def split(*, project: Project, selection: Selection) -> dict[int, str]:
    """Each selected image's set: "train" or "val" (a fixed draw from ``seed``), or "default"
    when there is no split."""
    ids = list(export_images(project=project, selection=selection).values_list("id", flat=True))
    if selection.val_fraction <= 0:
        return dict.fromkeys(ids, "default")
    order = np.random.default_rng(selection.seed).permutation(len(ids))
    val = {ids[i] for i in order[: round(len(ids) * selection.val_fraction)]}
    return {i: "val" if i in val else "train" for i in ids}
