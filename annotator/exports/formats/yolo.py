"""YOLO segmentation, as Ultralytics reads it: ``images/<set>/<file>``, ``labels/<set>/<stem>.txt``
with one line per part of an object (``class x1 y1 x2 y2 …``, coordinates divided by the image's
width and height), and ``data.yaml`` naming the sets and classes.

An object in several parts is several lines of one class; a hole cannot be written, so its area
counts as the object's, and the report gives each object's IoU below ``MASKLOOP_EXPORT_POLYGON_
MIN_IOU`` and the mean and worst over the export. Without a split every image is in "train",
which data.yaml names as the val set too.
"""

from __future__ import annotations

import numpy as np
import yaml
from django.conf import settings

from annotator.exports.formats.coco import POLYGON_TOLERANCE
from annotator.exports.formats.writer import ExportWriter
from inference.masks import polygons, rle


def write(w: ExportWriter) -> None:
    index = {c.id: i for i, c in enumerate(w.classes)}
    floor = settings.MASKLOOP_EXPORT_POLYGON_MIN_IOU
    ious: list[float] = []
    sets = set()
    for image, objects in w.images():
        part = "train" if w.sets[image.id] == "default" else w.sets[image.id]
        sets.add(part)
        w.copy_image(image, f"images/{part}/{w.name(image)}")
        lines = []
        for annotation in objects:
            shape = polygons.outline(rle.decode(annotation.mask), POLYGON_TOLERANCE)
            ious.append(shape.iou)
            if shape.holes or shape.iou < floor:
                w.note(
                    f"{shape.holes} hole(s) filled; polygons keep IoU {shape.iou:.4f}",
                    annotation=annotation.id,
                    image=image.id,
                )
            scale = np.array([image.width, image.height], dtype=np.float64)
            for outline in shape.parts:
                xy = np.clip(np.asarray(outline, dtype=np.float64).reshape(-1, 2) / scale, 0.0, 1.0)
                lines.append(
                    f"{index[annotation.label_class_id]} " + " ".join(f"{v:.6f}" for v in xy.reshape(-1))
                )
        w.write_bytes(
            f"labels/{part}/{w.stem(image)}.txt", ("\n".join(lines) + ("\n" if lines else "")).encode()
        )
    data = {
        "path": ".",
        "train": "images/train",
        "val": "images/val" if "val" in sets else "images/train",
        "names": {i: c.name for i, c in enumerate(w.classes)},
    }
    w.write_bytes("data.yaml", yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode())
    if ious:
        w.report["polygon_iou"] = {
            "mean": round(float(np.mean(ious)), 5),
            "worst": round(float(np.min(ious)), 5),
        }
