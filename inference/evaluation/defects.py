"""Mask-correction defects as in DAVIS-585 (seed 002 §3.2).

Superpixels (scikit-image's SLIC) of the object's neighbourhood are flipped one at a time:
a boundary error (a superpixel crossing the boundary band, switched to its minority label)
with probability 0.65, an external false positive (a superpixel outside the object added)
with 0.25, an internal false negative (a superpixel inside the object removed) with 0.10,
until the mask's IoU with the ground truth lies in [0.75, 0.85]. A flip that would push it
below the range is skipped.
"""

from __future__ import annotations

import cv2
import numpy as np
from skimage.segmentation import slic

from inference.evaluation.coarse import PerturbationFailed
from inference.evaluation.metrics import iou

DEFECT_PROBABILITIES = (0.65, 0.25, 0.10)
DEFECT_IOU_RANGE = (0.75, 0.85)
SUPERPIXELS_PER_OBJECT = 40


def _neighbourhood(mask: np.ndarray) -> tuple[slice, slice]:
    """The object's bounding box grown by half its size on each side, clipped to the image."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    h, w = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    y0, y1 = max(0, rows[0] - h // 2), min(mask.shape[0], rows[-1] + 1 + h // 2)
    x0, x1 = max(0, cols[0] - w // 2), min(mask.shape[1], cols[-1] + 1 + w // 2)
    return slice(int(y0), int(y1)), slice(int(x0), int(x1))


def _superpixels(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """SLIC labels of the crop, sized so the object spans about ``SUPERPIXELS_PER_OBJECT`` of them."""
    crop_area = mask.size
    object_area = max(1, int(np.count_nonzero(mask)))
    segments = max(8, round(SUPERPIXELS_PER_OBJECT * crop_area / object_area))
    return np.asarray(slic(image, n_segments=segments, compactness=10.0, start_label=0))


def defective_mask(
    image: np.ndarray,
    ground_truth: np.ndarray,
    rng: np.random.Generator,
    iou_range: tuple[float, float] = DEFECT_IOU_RANGE,
    max_steps: int = 1000,
) -> np.ndarray:
    """A flawed copy of the (H, W) bool ground truth for the mask-correction protocol.

    ``image``: (H, W, 3) uint8 RGB, whose superpixels shape the defects.
    """
    low, high = iou_range
    if not ground_truth.any():
        raise PerturbationFailed("the ground truth is empty")
    rows, cols = _neighbourhood(ground_truth)
    truth = ground_truth[rows, cols]
    labels = _superpixels(image[rows, cols], truth)
    count = int(labels.max()) + 1
    inside = np.bincount(labels.ravel(), weights=truth.ravel(), minlength=count)
    sizes = np.bincount(labels.ravel(), minlength=count)
    fraction = inside / np.maximum(sizes, 1)
    width = max(1, round(0.05 * np.sqrt(truth.sum())))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * width + 1, 2 * width + 1))
    source = truth.astype(np.uint8)
    band = cv2.dilate(source, kernel).astype(bool) & ~cv2.erode(source, kernel).astype(bool)
    in_band = np.bincount(labels.ravel(), weights=band.ravel().astype(np.float64), minlength=count) > 0
    pools = (
        np.flatnonzero(in_band),
        np.flatnonzero(~in_band & (fraction < 0.5)),
        np.flatnonzero(~in_band & (fraction >= 0.5)),
    )
    current = truth.copy()
    full = ground_truth.copy()
    for _ in range(max_steps):
        value = iou(ground_truth, full)
        if low <= value <= high:
            return full
        kind = int(rng.choice(3, p=DEFECT_PROBABILITIES))
        if pools[kind].size == 0:
            continue
        label = int(rng.choice(pools[kind]))
        pixels = labels == label
        candidate = current.copy()
        if kind == 0:
            candidate[pixels] = fraction[label] < 0.5
        else:
            candidate[pixels] = kind == 1
        full_candidate = full.copy()
        full_candidate[rows, cols] = candidate
        if iou(ground_truth, full_candidate) < low:
            continue
        current, full = candidate, full_candidate
    raise PerturbationFailed(f"no defective mask in {iou_range} after {max_steps} steps")
