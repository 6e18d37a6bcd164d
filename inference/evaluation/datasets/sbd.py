"""SBD: ``img/*.jpg`` + ``inst/*.mat`` (MATLAB ``GTinst`` with ``Segmentation`` and ``Categories``).

Every instance is one object; its class is the PASCAL VOC category the file records, unless
a class CSV says otherwise. An optional ``val.txt`` (or ``test.txt``) at the root limits the
listing to the ids it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.io import loadmat

from inference.evaluation.datasets.classes import resolve_class
from inference.evaluation.datasets.folders import files_by_stem
from inference.evaluation.datasets.sample import DatasetError, LoadedSample, Sample, check_same_size

VOC_CLASSES = (
    "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
    "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train",
    "tvmonitor",
)  # fmt: skip


def read_instances(path: Path) -> tuple[np.ndarray, list[int]]:
    """The instance-id map and the VOC category (1-based) of each instance id 1..n."""
    try:
        gt = loadmat(str(path))["GTinst"][0, 0]
        segmentation = np.asarray(gt["Segmentation"]).astype(np.int64)
        categories = [int(c) for c in np.asarray(gt["Categories"]).ravel()]
    except (OSError, KeyError, IndexError, ValueError, TypeError) as exc:
        raise DatasetError(f"cannot read SBD instances {path}: {exc}") from exc
    return segmentation, categories


@dataclass(frozen=True)
class SbdSample(Sample):
    mat_path: Path
    instance: int

    def load(self) -> LoadedSample:
        image = self.read_image()
        segmentation, _ = read_instances(self.mat_path)
        check_same_size(self, image, segmentation)
        return LoadedSample(image=image, mask=segmentation == self.instance, ignore=None)


def _listed_ids(root: Path) -> set[str] | None:
    for name in ("val.txt", "test.txt"):
        listing = root / name
        if listing.is_file():
            return {line.strip() for line in listing.read_text().splitlines() if line.strip()}
    return None


def load_sbd(root: Path, classes: dict[str, str] | None, min_area: int = 0) -> list[Sample]:
    if not ((root / "img").is_dir() and (root / "inst").is_dir()):
        raise DatasetError(f"{root} has no img/ + inst/")
    images = files_by_stem(root / "img")
    wanted = _listed_ids(root)
    samples: list[Sample] = []
    for mat in sorted((root / "inst").glob("*.mat")):
        if wanted is not None and mat.stem not in wanted:
            continue
        if mat.stem not in images:
            raise DatasetError(f"{mat.name} has no image in img/")
        segmentation, categories = read_instances(mat)
        for instance, category in enumerate(categories, start=1):
            if int(np.count_nonzero(segmentation == instance)) < max(1, min_area):
                continue
            name = f"{mat.stem}#{instance}"
            default = VOC_CLASSES[category - 1] if 1 <= category <= len(VOC_CLASSES) else None
            samples.append(
                SbdSample(
                    name=name,
                    label=resolve_class(name, mat.stem, classes, default=default),
                    image_path=images[mat.stem],
                    mat_path=mat,
                    instance=instance,
                )
            )
    if not samples:
        raise DatasetError(f"{root / 'inst'} holds no instances")
    return samples
