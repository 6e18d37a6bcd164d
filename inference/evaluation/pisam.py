"""Pi-SAM's click simulation (seed 001, Appendix B, Algorithm 2) and hard-image selection (Algorithm 1).

Algorithm 2: the errors split into false-negative and false-positive connected regions;
regions of 8 pixels or fewer are dropped; each region of area S gives
N = max(1, min(10, sqrt(S) / 10)) points drawn at random from the region after its boundary
band is removed (users click neither exactly at the centre nor on the edge); the points are
shuffled and the first M kept.

Algorithm 1: rank images by the area of the errors that every model makes, keep the top K.
(The printed pseudo-code ANDs the predictions; the text and Fig. 2 mean the overlap of the
error regions, which is what this implements.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from inference.evaluation.errors import error_masks
from inference.masks.depth import interior_depth
from inference.prompts import Click

MIN_REGION_PIXELS = 8
BOUNDARY_FRACTION = 0.25


def points_per_region(area: int) -> int:
    """Equation (1): N = max(1, min(10, sqrt(S) / 10)), rounded down to whole points."""
    return max(1, min(10, math.floor(math.sqrt(area) / 10)))


def _interior(region: np.ndarray) -> np.ndarray:
    """The region without its boundary band: pixels deeper than a quarter of its greatest depth.

    A region too thin to keep anything keeps its deepest pixels instead.
    """
    depth = interior_depth(region)
    deepest = float(depth.max())
    inner = depth > max(1.0, BOUNDARY_FRACTION * deepest)
    return inner if inner.any() else depth >= deepest


def simulate_clicks(
    ground_truth: np.ndarray,
    prediction: np.ndarray,
    rng: np.random.Generator,
    max_points: int,
    ignore: np.ndarray | None = None,
) -> list[Click]:
    """Algorithm 2 on one prediction: up to ``max_points`` clicks, positive in false negatives."""
    points: list[Click] = []
    false_negative, false_positive = error_masks(ground_truth, prediction, ignore)
    for errors, positive in ((false_negative, True), (false_positive, False)):
        count, labels, stats, _ = cv2.connectedComponentsWithStats(errors.astype(np.uint8), connectivity=8)
        for label in range(1, count):
            area = int(stats[label, cv2.CC_STAT_AREA])
            if area <= MIN_REGION_PIXELS:
                continue
            rows, cols = np.nonzero(_interior(labels == label))
            picks = rng.choice(rows.size, size=points_per_region(area), replace=True)
            points.extend(Click(x=float(cols[i]), y=float(rows[i]), positive=positive) for i in picks)
    order = rng.permutation(len(points))
    return [points[i] for i in order[:max_points]]


def select_hard_images(
    ground_truths: Sequence[np.ndarray],
    predictions: Sequence[Sequence[np.ndarray]],
    top_k: int,
) -> list[int]:
    """Algorithm 1: indices of the ``top_k`` images whose shared error area is largest.

    ``predictions[m][i]`` is model m's (H, W) bool mask for image i. Ties keep dataset order.
    """
    if not predictions:
        raise ValueError("need the predictions of at least one model")
    shared_error = []
    for index, truth in enumerate(ground_truths):
        common = np.ones_like(truth, dtype=bool)
        for model in predictions:
            common &= model[index] ^ truth
        shared_error.append(int(np.count_nonzero(common)))
    ranked = sorted(range(len(ground_truths)), key=lambda i: -shared_error[i])
    return ranked[:top_k]
