"""Layout names → loaders."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from inference.evaluation.datasets.classes import read_class_csv
from inference.evaluation.datasets.davis import load_davis
from inference.evaluation.datasets.folders import load_grabcut, load_masks
from inference.evaluation.datasets.sample import DatasetError, Sample
from inference.evaluation.datasets.sbd import load_sbd

LAYOUTS = ("masks", "grabcut", "davis", "sbd")


def load_dataset(root: Path, layout: str, classes_csv: Path | None = None, min_area: int = 0) -> list[Sample]:
    """Every object of the dataset at ``root`` in a stable order (by file name, then object id).

    ``min_area``: leave out objects with fewer pixels (DAVIS-585 leaves out those under 300).
    """
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder")
    classes = read_class_csv(classes_csv) if classes_csv is not None else None
    if layout in ("masks", "grabcut"):
        samples = load_masks(root, classes) if layout == "masks" else load_grabcut(root, classes)
        if min_area > 0:
            samples = [s for s in samples if int(np.count_nonzero(s.load().mask)) >= min_area]
        return samples
    if layout == "davis":
        return load_davis(root, classes, min_area)
    if layout == "sbd":
        return load_sbd(root, classes, min_area)
    raise DatasetError(f"unknown layout {layout!r}; known: {', '.join(LAYOUTS)}")
