"""DAVIS: ``JPEGImages/`` + ``Annotations/`` (flat or nested by resolution and video), one object per colour.

Annotations are palette PNGs (index = object, 255 = void, ignored) or RGB PNGs (one colour
per object, DAVIS's void colour ignored). Objects under ``min_area`` pixels are left out, as
DAVIS-585 leaves out those under 300.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from inference.evaluation.datasets.classes import resolve_class
from inference.evaluation.datasets.folders import IMAGE_SUFFIXES
from inference.evaluation.datasets.sample import DatasetError, LoadedSample, Sample, check_same_size

PALETTE_VOID = 255
RGB_VOID = (224 << 16) | (224 << 8) | 192


def read_objects(path: Path) -> tuple[np.ndarray, int | None]:
    """The annotation as integer object ids, and the id that marks void pixels (if the format has one)."""
    try:
        with Image.open(path) as image:
            if image.mode == "P":
                return np.asarray(image).astype(np.int64), PALETTE_VOID
            if image.mode in ("L", "1"):
                return np.asarray(image.convert("L")).astype(np.int64), None
            rgb = np.asarray(image.convert("RGB")).astype(np.int64)
    except (OSError, SyntaxError) as exc:
        raise DatasetError(f"cannot read annotation {path}: {exc}") from exc
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2], RGB_VOID


@dataclass(frozen=True)
class DavisSample(Sample):
    annotation_path: Path
    object_id: int

    def load(self) -> LoadedSample:
        image = self.read_image()
        ids, void = read_objects(self.annotation_path)
        check_same_size(self, image, ids)
        ignore = (ids == void) if void is not None else None
        return LoadedSample(image=image, mask=ids == self.object_id, ignore=ignore)


def _image_for(images_root: Path, relative: Path) -> Path | None:
    for suffix in sorted(IMAGE_SUFFIXES):
        candidate = images_root / relative.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def load_davis(root: Path, classes: dict[str, str] | None, min_area: int = 0) -> list[Sample]:
    images_root, annotations_root = root / "JPEGImages", root / "Annotations"
    if not (images_root.is_dir() and annotations_root.is_dir()):
        raise DatasetError(f"{root} has no JPEGImages/ + Annotations/")
    samples: list[Sample] = []
    for annotation in sorted(annotations_root.rglob("*.png")):
        relative = annotation.relative_to(annotations_root)
        image = _image_for(images_root, relative)
        if image is None:
            raise DatasetError(f"annotation {relative} has no image under JPEGImages/")
        ids, void = read_objects(annotation)
        values, counts = np.unique(ids, return_counts=True)
        stem = relative.with_suffix("").as_posix()
        for value, count in zip(values.tolist(), counts.tolist(), strict=True):
            if value == 0 or value == void or count < min_area:
                continue
            name = f"{stem}#{value}"
            samples.append(
                DavisSample(
                    name=name,
                    label=resolve_class(name, relative.stem, classes),
                    image_path=image,
                    annotation_path=annotation,
                    object_id=int(value),
                )
            )
    if not samples:
        raise DatasetError(f"{annotations_root} holds no objects")
    return samples
