"""The standard robot user of interactive segmentation (RITM / FocalClick / FocusCut protocol).

The next click goes to the interior point of the largest error region that is farthest from
that region's boundary: the Euclidean distance transform of the zero-padded false-negative
and false-positive masks; positive when the farthest point is a false negative.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from inference.evaluation.errors import error_masks
from inference.masks.depth import interior_depth
from inference.prompts import Click


def next_click(
    ground_truth: np.ndarray,
    prediction: np.ndarray,
    ignore: np.ndarray | None = None,
    clicked: Sequence[Click] = (),
) -> Click | None:
    """The robot's next click, or None when the prediction has no error left.

    ``ground_truth``, ``prediction``: (H, W) bool. ``ignore``: (H, W) bool pixels whose
    label does not count (for example GrabCut's grey band), or None. ``clicked``: earlier
    clicks, whose pixels are not clicked again (as RITM's robot), so an engine that ignores
    a click gets the next-deepest error point instead of the same one forever.
    Ties go to the first pixel in row-major order, so the robot is deterministic.
    """
    false_negative, false_positive = error_masks(ground_truth, prediction, ignore)
    fn_dist = interior_depth(false_negative)
    fp_dist = interior_depth(false_positive)
    height, width = ground_truth.shape
    for click in clicked:
        row, col = min(height - 1, max(0, int(click.y))), min(width - 1, max(0, int(click.x)))
        fn_dist[row, col] = fp_dist[row, col] = 0.0
    fn_max = float(fn_dist.max()) if fn_dist.size else 0.0
    fp_max = float(fp_dist.max()) if fp_dist.size else 0.0
    if max(fn_max, fp_max) <= 0.0:
        return None
    positive = fn_max >= fp_max
    dist = fn_dist if positive else fp_dist
    row, col = np.unravel_index(int(np.argmax(dist)), dist.shape)
    return Click(x=float(col), y=float(row), positive=positive)
