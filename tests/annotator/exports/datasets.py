"""Datasets for the export and import tests, made with pycocotools (not the code under test):
generated scenes, a ring (an object with a hole) and an object in two parts among them."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from pycocotools import mask as coco_mask

from inference.synthetic import make_scene

CATEGORIES = [{"id": 7, "name": "shape", "supercategory": ""}, {"id": 9, "name": "ring", "supercategory": ""}]
# The first image's objects: two scene objects (100, 101), then these two.
RING_ID, TWO_PARTS_ID = 102, 103


@dataclass
class Dataset:
    images: Path  # the folder of image files
    document: dict[str, Any]  # COCO instances
    masks: dict[int, np.ndarray]  # annotation id → its mask


def rle_of(mask: np.ndarray) -> dict[str, Any]:
    encoded = coco_mask.encode(np.asfortranarray(mask.astype(np.uint8)))
    return {"size": list(encoded["size"]), "counts": encoded["counts"].decode("ascii")}


def special_masks(height: int, width: int) -> list[np.ndarray]:
    ys, xs = np.mgrid[0:height, 0:width]
    ring = ((xs - 30) ** 2 + (ys - 30) ** 2 <= 14**2) & ((xs - 30) ** 2 + (ys - 30) ** 2 > 6**2)
    two_parts = ((xs - 80) ** 2 + (ys - 20) ** 2 <= 7**2) | ((xs - 95) ** 2 + (ys - 45) ** 2 <= 6**2)
    return [ring, two_parts]


def coco_dataset(folder: Path, count: int = 4, width: int = 120, height: int = 90) -> Dataset:
    """``count`` JPEG scenes with their objects; the first image also has a ring and an object
    in two parts. Annotation ids start at 100, image ids at 50 (nothing lines up by chance)."""
    images = folder / "images"
    images.mkdir(parents=True)
    document: dict[str, Any] = {"images": [], "annotations": [], "categories": CATEGORIES}
    masks: dict[int, np.ndarray] = {}
    for index in range(count):
        scene = make_scene(width, height, objects=2, seed=20 + index)
        name = f"photo_{index}.png"
        Image.fromarray(scene.image).save(images / name)
        image_id = 50 + index
        document["images"].append({"id": image_id, "file_name": name, "width": width, "height": height})
        objects = [(m, 7) for m in scene.masks]
        if index == 0:
            objects += [(m, 9) for m in special_masks(height, width)]
        for mask, category in objects:
            annotation_id = 100 + len(masks)
            masks[annotation_id] = mask
            raw = coco_mask.encode(np.asfortranarray(mask.astype(np.uint8)))
            document["annotations"].append({
                "id": annotation_id, "image_id": image_id, "category_id": category,
                "segmentation": rle_of(mask), "area": int(coco_mask.area(raw)),
                "bbox": [float(v) for v in coco_mask.toBbox(raw)], "iscrowd": 0,
            })  # fmt: skip
    return Dataset(images=images, document=document, masks=masks)


def write_json(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document))
    return path


def unzip(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(into)
    return into
