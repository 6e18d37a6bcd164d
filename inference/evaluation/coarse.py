"""Coarse masks: the ground truth eroded and dilated until its IoU lands in a range (seed 002 §5.2).

Each step erodes or dilates the current mask with a small kernel of a random shape
(ellipse, rectangle or cross). A step that would overshoot the range is retried on a
smaller disk around a random contour pixel, so objects of any size land inside it.
"""

from __future__ import annotations

import cv2
import numpy as np

from inference.evaluation.metrics import iou

COARSE_LEVELS: tuple[tuple[float, float], ...] = (
    (0.85, 0.90),
    (0.75, 0.80),
    (0.65, 0.70),
    (0.55, 0.60),
    (0.45, 0.50),
)
_SHAPES = (cv2.MORPH_ELLIPSE, cv2.MORPH_RECT, cv2.MORPH_CROSS)


class PerturbationFailed(ValueError):
    """The mask could not be brought into the requested IoU range."""


def _step(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    size = int(rng.choice((3, 5, 7)))
    kernel = cv2.getStructuringElement(_SHAPES[int(rng.integers(len(_SHAPES)))], (size, size))
    source = mask.astype(np.uint8)
    changed = cv2.dilate(source, kernel) if rng.random() < 0.5 else cv2.erode(source, kernel)
    return changed.astype(bool)


def _local(mask: np.ndarray, changed: np.ndarray, radius: int, rng: np.random.Generator) -> np.ndarray:
    """Apply ``changed`` only within ``radius`` of a random pixel where it differs from ``mask``."""
    rows, cols = np.nonzero(mask != changed)
    if rows.size == 0:
        return mask
    pick = int(rng.integers(rows.size))
    window = np.zeros(mask.shape, dtype=np.uint8)
    cv2.circle(window, (int(cols[pick]), int(rows[pick])), radius, 1, -1)
    return np.where(window.astype(bool), changed, mask)


def coarse_mask(
    ground_truth: np.ndarray,
    iou_range: tuple[float, float],
    rng: np.random.Generator,
    max_steps: int = 2000,
) -> np.ndarray:
    """A perturbed copy of the (H, W) bool ground truth with IoU inside ``iou_range`` (inclusive)."""
    low, high = iou_range
    if not 0.0 < low <= high <= 1.0:
        raise ValueError(f"bad IoU range {iou_range}")
    if not ground_truth.any():
        raise PerturbationFailed("the ground truth is empty")
    current = ground_truth.copy()
    radius = max(ground_truth.shape)
    for _ in range(max_steps):
        value = iou(ground_truth, current)
        if low <= value <= high:
            return current
        candidate = _step(current, rng)
        if radius < max(ground_truth.shape):
            candidate = _local(current, candidate, radius, rng)
        if iou(ground_truth, candidate) < low:
            radius = max(1, radius // 2)
            continue
        if candidate.any():
            current = candidate
    raise PerturbationFailed(f"no coarse mask in {iou_range} after {max_steps} steps")
