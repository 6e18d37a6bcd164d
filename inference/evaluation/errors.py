"""Where a prediction is wrong: the error masks every robot user starts from."""

from __future__ import annotations

import numpy as np


def error_masks(
    ground_truth: np.ndarray, prediction: np.ndarray, ignore: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(false negatives, false positives) of two (H, W) bool masks, ignored pixels left out."""
    valid = np.ones_like(ground_truth, dtype=bool) if ignore is None else ~ignore
    return ground_truth & ~prediction & valid, ~ground_truth & prediction & valid
