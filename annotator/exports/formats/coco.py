"""COCO instances: ``images/<set>/<file>`` and ``annotations/instances_<set>.json`` per set
("default", or "train" and "val"); an image's ``file_name`` is its name in its set's folder.

Masks are compressed RLE (``iscrowd`` 0), or polygons in the polygons variant; ``area`` and
``bbox`` are always the mask's, as pycocotools computes them. Polygons cannot hold holes: an
object with holes, or whose polygons would keep less than ``MASKLOOP_EXPORT_POLYGON_MIN_IOU``
of it, keeps its exact RLE in the polygons variant too, and the report lists it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils import timezone

from annotator.annotations.models import Annotation
from annotator.exports import selection
from annotator.exports.formats.writer import ExportWriter
from inference.masks import polygons, rle

POLYGON_TOLERANCE = 0.25  # pixels: keeps the mask as well as every vertex does (docs/performance.md)


def write(w: ExportWriter, *, as_polygons: bool) -> None:
    for image, _ in w.images():
        w.copy_image(image, f"images/{w.sets[image.id]}/{w.name(image)}")
    categories = [{"id": c.id, "name": c.name, "supercategory": ""} for c in w.classes]
    for part in sorted(set(w.sets.values())):
        head = {
            "info": {
                "description": w.project.name,
                "version": "1.0",
                "date_created": timezone.now().isoformat(),
                "contributor": "Maskloop",
            },
            "licenses": [],
            "categories": categories,
        }
        w.write_json_stream(
            f"annotations/instances_{part}.json",
            head,
            {"images": _images(w, part), "annotations": _annotations(w, part, as_polygons)},
        )


def _selected(w: ExportWriter, part: str) -> Iterator[tuple[Any, list[Annotation]]]:
    for batch in selection.export_batches(project=w.project, selection=w.selection):
        for image, objects in batch:
            if w.sets[image.id] == part:
                yield image, objects


def _images(w: ExportWriter, part: str) -> Iterator[dict[str, Any]]:
    for image, _ in _selected(w, part):
        yield {
            "id": image.id,
            "file_name": w.name(image),
            "width": image.width,
            "height": image.height,
        }


def _annotations(w: ExportWriter, part: str, as_polygons: bool) -> Iterator[dict[str, Any]]:
    for image, objects in _selected(w, part):
        for annotation in objects:
            yield {
                "id": annotation.id,
                "image_id": image.id,
                "category_id": annotation.label_class_id,
                "segmentation": _polygons(w, annotation) if as_polygons else dict(annotation.mask),
                "area": rle.area(annotation.mask),
                "bbox": rle.bbox(annotation.mask),
                "iscrowd": 0,
            }


def _polygons(w: ExportWriter, annotation: Annotation) -> Any:
    """The object's polygons, or its RLE where polygons would lose it (and a note why)."""
    shape = polygons.outline(rle.decode(annotation.mask), POLYGON_TOLERANCE)
    floor = settings.MASKLOOP_EXPORT_POLYGON_MIN_IOU
    if shape.holes or shape.iou < floor or not shape.parts:
        reason = f"{shape.holes} hole(s)" if shape.holes else f"polygons keep IoU {shape.iou:.4f} < {floor}"
        w.note(f"kept as RLE: {reason}", annotation=annotation.id, image=annotation.image_id)
        return dict(annotation.mask)
    return shape.parts
