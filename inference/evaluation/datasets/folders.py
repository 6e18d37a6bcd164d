"""Two folders paired by file stem: images and one binary mask per object.

``masks`` layout: ``img/`` + ``gt/`` (COCO MVal, DAVIS-345 as RITM ships it) or ``images/`` +
``masks/`` (Berkeley); masks are 0/255 or 0/1. ``grabcut`` layout: ``data_GT/`` +
``boundary_GT/``, where 255 is the object, 0 background and 128 the unlabelled band.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inference.evaluation.datasets.classes import resolve_class
from inference.evaluation.datasets.sample import (
    DatasetError,
    LoadedSample,
    Sample,
    check_same_size,
    read_labels,
)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff"}
MASK_FOLDER_PAIRS = (("img", "gt"), ("images", "masks"))
GRABCUT_FOLDERS = ("data_GT", "boundary_GT")
GRABCUT_IGNORE = 128


@dataclass(frozen=True)
class MaskSample(Sample):
    mask_path: Path

    def load(self) -> LoadedSample:
        image = self.read_image()
        values = read_labels(self.mask_path)
        check_same_size(self, image, values)
        threshold = 0 if values.max() <= 1 else 127
        return LoadedSample(image=image, mask=values > threshold, ignore=None)


@dataclass(frozen=True)
class GrabCutSample(Sample):
    mask_path: Path

    def load(self) -> LoadedSample:
        image = self.read_image()
        values = read_labels(self.mask_path)
        check_same_size(self, image, values)
        return LoadedSample(image=image, mask=values > GRABCUT_IGNORE, ignore=values == GRABCUT_IGNORE)


def files_by_stem(folder: Path) -> dict[str, Path]:
    """Image-like files of a folder keyed by stem (the first one wins when two share a stem)."""
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
            found.setdefault(path.stem, path)
    return found


def paired(root: Path, image_dir: str, mask_dir: str) -> list[tuple[str, Path, Path]]:
    """(stem, image, mask) for every mask; a mask whose image is missing is an error."""
    images = files_by_stem(root / image_dir)
    masks = files_by_stem(root / mask_dir)
    if not masks:
        raise DatasetError(f"{root / mask_dir} holds no mask files")
    missing = sorted(set(masks) - set(images))
    if missing:
        shown = ", ".join(missing[:5])
        raise DatasetError(
            f"{len(missing)} masks in {root / mask_dir} have no image in {image_dir}/: {shown}"
        )
    return [(stem, images[stem], masks[stem]) for stem in sorted(masks)]


def load_masks(root: Path, classes: dict[str, str] | None) -> list[Sample]:
    for image_dir, mask_dir in MASK_FOLDER_PAIRS:
        if (root / image_dir).is_dir() and (root / mask_dir).is_dir():
            return [
                MaskSample(
                    name=stem, label=resolve_class(stem, stem, classes), image_path=image, mask_path=mask
                )
                for stem, image, mask in paired(root, image_dir, mask_dir)
            ]
    pairs = " or ".join(f"{a}/ + {b}/" for a, b in MASK_FOLDER_PAIRS)
    raise DatasetError(f"{root} has neither {pairs}")


def load_grabcut(root: Path, classes: dict[str, str] | None) -> list[Sample]:
    image_dir, mask_dir = GRABCUT_FOLDERS
    if not ((root / image_dir).is_dir() and (root / mask_dir).is_dir()):
        raise DatasetError(f"{root} has no {image_dir}/ + {mask_dir}/")
    return [
        GrabCutSample(name=stem, label=resolve_class(stem, stem, classes), image_path=image, mask_path=mask)
        for stem, image, mask in paired(root, image_dir, mask_dir)
    ]
