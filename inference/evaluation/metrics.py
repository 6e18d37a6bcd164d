"""Segmentation metrics: per mask (IoU, boundary IoU, ASSD) and per interaction history.

The history metrics take one object's IoU after each interaction, so a live dashboard can
score a single real session with the same function an offline run uses; the ``mean_*`` and
``count_*`` forms aggregate them over a run.

A history is ``ious[k - 1]`` = IoU after k interactions (clicks or scribbles). ``initial``
is the IoU before the first of them when the object starts from something (a box, a coarse
or defective mask); an object whose starting mask already reaches the threshold needs 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from inference.masks.depth import interior_depth


def _valid(shape: tuple[int, ...], ignore: np.ndarray | None) -> np.ndarray:
    return np.ones(shape, dtype=bool) if ignore is None else ~ignore


def iou(ground_truth: np.ndarray, prediction: np.ndarray, ignore: np.ndarray | None = None) -> float:
    """Intersection over union of two (H, W) bool masks, pixels in ``ignore`` left out.

    Two empty masks agree perfectly (1.0).
    """
    valid = _valid(ground_truth.shape, ignore)
    gt = ground_truth & valid
    pred = prediction & valid
    union = int(np.count_nonzero(gt | pred))
    if union == 0:
        return 1.0
    return float(np.count_nonzero(gt & pred)) / union


def destroyed_fraction(
    ground_truth: np.ndarray, start: np.ndarray, end: np.ndarray, ignore: np.ndarray | None = None
) -> float:
    """The share of the pixels ``start`` had right that ``end`` has wrong (0 when none were right).

    For a correction run: how much of what was already correct the interaction destroyed.
    """
    valid = _valid(ground_truth.shape, ignore)
    correct = (start == ground_truth) & valid
    total = int(np.count_nonzero(correct))
    if total == 0:
        return 0.0
    return float(np.count_nonzero(correct & (end != ground_truth))) / total


def _inner_band(mask: np.ndarray, width: float) -> np.ndarray:
    """Pixels of ``mask`` within ``width`` px of its contour (the image edge is not a contour)."""
    return mask & (interior_depth(mask, edge_is_outside=False) <= width)


def boundary_iou(
    ground_truth: np.ndarray,
    prediction: np.ndarray,
    ignore: np.ndarray | None = None,
    dilation_ratio: float = 0.02,
) -> float:
    """Boundary IoU (Cheng et al., CVPR 2021; FocusCut's BIoU): IoU of the two masks' inner bands.

    The band is the mask's pixels within ``dilation_ratio`` of the image diagonal of its
    contour. Two empty masks agree perfectly (1.0).
    """
    height, width = ground_truth.shape
    band = max(1.0, dilation_ratio * math.hypot(height, width))
    return iou(_inner_band(ground_truth, band), _inner_band(prediction, band), ignore)


def _contour(mask: np.ndarray) -> np.ndarray:
    """The mask's pixels that touch a background pixel (4-neighbourhood)."""
    eroded = cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8), borderType=cv2.BORDER_REPLICATE)
    return mask & ~eroded.astype(bool)


def _distance_to(points: np.ndarray) -> np.ndarray:
    """Distance of every pixel to the nearest True pixel of ``points``."""
    return cv2.distanceTransform((~points).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)


def assd(ground_truth: np.ndarray, prediction: np.ndarray) -> float:
    """Average symmetric surface distance in pixels (FocusCut's detail metric; lower is better).

    The mean, over the contour pixels of both masks, of the distance to the other mask's
    contour. Two empty masks give 0; when only one is empty the result is the image diagonal,
    the largest distance the image allows.
    """
    gt_contour = _contour(ground_truth)
    pred_contour = _contour(prediction)
    gt_count = int(np.count_nonzero(gt_contour))
    pred_count = int(np.count_nonzero(pred_contour))
    if gt_count == 0 and pred_count == 0:
        return 0.0
    if gt_count == 0 or pred_count == 0:
        return math.hypot(*ground_truth.shape)
    to_gt = _distance_to(gt_contour)[pred_contour]
    to_pred = _distance_to(pred_contour)[gt_contour]
    return float((to_gt.sum() + to_pred.sum()) / (gt_count + pred_count))


@dataclass(frozen=True)
class History:
    """One object's IoU after each interaction, and before the first one when it had a start."""

    ious: tuple[float, ...]
    initial: float | None = None


def interactions_to_reach(history: History, threshold: float, max_interactions: int) -> int:
    """NoC (or NoS) of one object: the first k <= cap with IoU >= ``threshold``, else the cap."""
    if history.initial is not None and history.initial >= threshold:
        return 0
    for index, value in enumerate(history.ious[:max_interactions]):
        if value >= threshold:
            return index + 1
    return max_interactions


def failed(history: History, threshold: float, max_interactions: int) -> bool:
    """Whether the object never reached ``threshold`` within the cap."""
    if history.initial is not None and history.initial >= threshold:
        return False
    return not any(value >= threshold for value in history.ious[:max_interactions])


def iou_after(history: History, k: int) -> float:
    """IoU after k interactions (k = 0: the starting IoU, 0 when there was none).

    A history shorter than k (the robot stopped because nothing was left to fix) keeps its
    last value.
    """
    if k < 0:
        raise ValueError("k must be >= 0")
    if k == 0 or not history.ious:
        return history.initial if history.initial is not None else 0.0
    return history.ious[min(k, len(history.ious)) - 1]


def mean_noc(histories: Sequence[History], threshold: float, max_interactions: int) -> float:
    """NoC_n@T over a run: mean interactions to reach ``threshold``, failures counted as the cap."""
    if not histories:
        return math.nan
    return sum(interactions_to_reach(h, threshold, max_interactions) for h in histories) / len(histories)


def count_failures(histories: Sequence[History], threshold: float, max_interactions: int) -> int:
    """NoF_n@T: how many objects never reached ``threshold`` within the cap."""
    return sum(failed(h, threshold, max_interactions) for h in histories)


def failure_rate(histories: Sequence[History], threshold: float, max_interactions: int) -> float:
    """FR_n@T (seed 004): the percentage of objects that failed within the cap."""
    if not histories:
        return math.nan
    return 100.0 * count_failures(histories, threshold, max_interactions) / len(histories)


def miou_curve(histories: Sequence[History], max_interactions: int) -> list[float]:
    """Mean IoU after 1, 2, ..., ``max_interactions`` interactions."""
    if not histories:
        return []
    return [sum(iou_after(h, k) for h in histories) / len(histories) for k in range(1, max_interactions + 1)]


def mean_initial_iou(histories: Sequence[History]) -> float:
    """Mean IoU of the starting masks (a single box, a coarse mask), NaN when none had one."""
    starts = [h.initial for h in histories if h.initial is not None]
    return sum(starts) / len(starts) if starts else math.nan
