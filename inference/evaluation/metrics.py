"""Segmentation metrics for one object."""

from __future__ import annotations

import numpy as np


def iou(ground_truth: np.ndarray, prediction: np.ndarray, ignore: np.ndarray | None = None) -> float:
    """Intersection over union of two (H, W) bool masks, pixels in ``ignore`` left out.

    Two empty masks agree perfectly (1.0).
    """
    valid = np.ones_like(ground_truth, dtype=bool) if ignore is None else ~ignore
    gt = ground_truth & valid
    pred = prediction & valid
    union = int(np.count_nonzero(gt | pred))
    if union == 0:
        return 1.0
    return float(np.count_nonzero(gt & pred)) / union
