"""Importing COCO instances (masks as RLE, uncompressed RLE or polygons) with their images.

The whole file is checked first: a file that is not COCO instances, or whose categories clash
(one name twice), is refused before anything is written. Then image by image, each with its
objects in one transaction: an image whose file is missing or not an image, whose size is not
the file's, or one of whose objects is outside it or empty, is refused whole and the report
says why; the others are imported. An image the project has already (the same bytes) gets the
objects, less those it already has. Categories become the classes of the same name (made when
missing). Objects are pre-annotations: revision 1 "imported", to open and correct like any.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.db import transaction
from pycocotools import mask as coco_mask

from annotator.annotations.models import Annotation
from annotator.annotations.services import annotation_create
from annotator.common.errors import DomainError, InvalidInput
from annotator.exports.importers.images import ImageRefused, add_image
from annotator.exports.importers.report import ImportReport
from annotator.exports.importers.source import Source
from annotator.images.models import ImageAsset
from annotator.projects.models import LabelClass, Project
from annotator.projects.services import label_class_create
from inference.masks import rle


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_document(document: Any) -> None:
    """Refuse a document that is not COCO instances, naming the first thing wrong."""
    if not isinstance(document, dict):
        raise InvalidInput("The annotations file is not a COCO object.", code="malformed_coco")
    for key in ("images", "annotations", "categories"):
        if not isinstance(document.get(key), list):
            raise InvalidInput(f"The annotations file has no '{key}' list.", code="malformed_coco")
    for image in document["images"]:
        fields = image if isinstance(image, dict) else {}
        if not (_is_int(fields.get("id")) and isinstance(fields.get("file_name"), str)
                and _is_int(fields.get("width")) and _is_int(fields.get("height"))):  # fmt: skip
            raise InvalidInput(f"An image record is malformed: {str(image)[:120]}", code="malformed_coco")
    for category in document["categories"]:
        if not (
            isinstance(category, dict)
            and _is_int(category.get("id"))
            and isinstance(category.get("name"), str)
        ):
            raise InvalidInput(f"A category is malformed: {str(category)[:120]}", code="malformed_coco")
    for annotation in document["annotations"]:
        fields = annotation if isinstance(annotation, dict) else {}
        if not (_is_int(fields.get("image_id")) and _is_int(fields.get("category_id"))
                and "segmentation" in fields):  # fmt: skip
            raise InvalidInput(f"An annotation is malformed: {str(annotation)[:120]}", code="malformed_coco")
    ids = [c["id"] for c in document["categories"]]
    names = [c["name"].strip().lower() for c in document["categories"]]
    if len(set(ids)) != len(ids) or len(set(names)) != len(names):
        clash = next(n for n in names if names.count(n) > 1) if len(set(names)) != len(names) else "an id"
        raise InvalidInput(f"Two categories share {clash!r}: categories clash.", code="category_clash")
    if len({i["id"] for i in document["images"]}) != len(document["images"]):
        raise InvalidInput("Two image records share an id.", code="malformed_coco")


def decode_segmentation(segmentation: Any, height: int, width: int) -> np.ndarray:
    """The (H, W) bool mask of a COCO segmentation; InvalidInput when it does not fit the image."""
    if isinstance(segmentation, dict):
        size = segmentation.get("size")
        if list(size or []) != [height, width]:
            raise InvalidInput(f"its mask is {size}, the image {height}x{width}", code="mask_outside_image")
        counts = segmentation.get("counts")
        if isinstance(counts, list):  # uncompressed RLE
            encoded = coco_mask.frPyObjects(segmentation, height, width)
        elif isinstance(counts, str):
            encoded = {"size": [height, width], "counts": counts.encode("ascii")}
        else:
            raise InvalidInput("its RLE has no counts", code="malformed_mask")
        try:
            return np.ascontiguousarray(coco_mask.decode(encoded), dtype=bool)
        except Exception as error:  # pycocotools raises plain exceptions for bad counts
            raise InvalidInput(f"its RLE does not decode ({error})", code="malformed_mask") from None
    if isinstance(segmentation, list) and segmentation and all(isinstance(p, list) for p in segmentation):
        points = np.asarray([v for p in segmentation for v in p], dtype=np.float64)
        if points.size == 0 or any(len(p) < 6 or len(p) % 2 for p in segmentation):
            raise InvalidInput("a polygon has fewer than 3 points", code="malformed_mask")
        xs, ys = points[0::2], points[1::2]
        if xs.min() < 0 or ys.min() < 0 or xs.max() > width or ys.max() > height:
            raise InvalidInput(f"a polygon leaves the {width}x{height} image", code="mask_outside_image")
        merged = coco_mask.merge(coco_mask.frPyObjects(segmentation, height, width))
        return np.ascontiguousarray(coco_mask.decode(merged), dtype=bool)
    raise InvalidInput("its segmentation is neither RLE nor polygons", code="malformed_mask")


class _Classes:
    """Category id → the project's class of that name, made when missing (inside the image's
    transaction that first needs it, so a refused image leaves no class behind)."""

    def __init__(self, project: Project, categories: list[dict[str, Any]]) -> None:
        self.project = project
        self.names = {c["id"]: c["name"].strip() for c in categories}
        self.found: dict[int, LabelClass] = {}

    def get(self, category_id: int) -> LabelClass:
        if category_id not in self.names:
            raise InvalidInput(f"its category {category_id} is not in the file", code="unknown_category")
        if category_id not in self.found:
            name = self.names[category_id]
            existing = LabelClass.objects.filter(project=self.project, name__iexact=name).first()
            self.found[category_id] = existing or label_class_create(project=self.project, name=name)
        return self.found[category_id]

    def forget_unsaved(self, kept: set[int]) -> None:
        self.found = {k: v for k, v in self.found.items() if v.id in kept}


def import_coco(*, project: Project, user: User, document: Any, source: Source, report: ImportReport) -> None:
    check_document(document)
    by_image: dict[int, list[dict[str, Any]]] = {}
    known = {i["id"] for i in document["images"]}
    for annotation in document["annotations"]:
        if annotation["image_id"] not in known:
            report.refuse_object(
                annotation.get("id"), f"its image {annotation['image_id']} is not in the file"
            )
            continue
        by_image.setdefault(annotation["image_id"], []).append(annotation)
    classes = _Classes(project, document["categories"])
    report.start(len(document["images"]))
    for record in document["images"]:
        try:
            with transaction.atomic():
                image, added = add_image(
                    project=project, user=user, source=source, file_name=record["file_name"]
                )
                if (image.height, image.width) != (record["height"], record["width"]):
                    said = f"{record['width']}x{record['height']}"
                    raise ImageRefused(f"the file is {image.width}x{image.height}, the record says {said}")
                stored = _objects(image, user, by_image.get(record["id"], []), classes, report)
        except (ImageRefused, DomainError) as error:
            classes.forget_unsaved(
                set(LabelClass.objects.filter(project=project).values_list("id", flat=True))
            )
            report.refuse_image(record["file_name"], getattr(error, "detail", str(error)))
        else:
            report.image_done(added, stored)
        report.step()


def _objects(
    image: ImageAsset, user: User, records: list[dict[str, Any]], classes: _Classes, report: ImportReport
) -> int:
    """Store the image's objects (all or none: the first bad one refuses the image)."""
    there = {(a.label_class_id, a.mask["counts"]) for a in Annotation.objects.filter(image=image)}
    stored = 0
    for record in records:
        try:
            label_class = classes.get(record["category_id"])
            mask = decode_segmentation(record["segmentation"], image.height, image.width)
        except InvalidInput as error:
            raise ImageRefused(f"object {record.get('id')}: {error.detail}") from None
        if not mask.any():
            raise ImageRefused(f"object {record.get('id')}: its mask is empty")
        encoded = rle.encode(mask)
        if (label_class.id, encoded["counts"]) in there:
            report.skip_object()
            continue
        annotation_create(image=image, label_class=label_class, mask=encoded, author=user, imported=True)
        there.add((label_class.id, encoded["counts"]))
        stored += 1
    return stored
