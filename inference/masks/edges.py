"""How far a point is from a mask's edge."""

from __future__ import annotations

import math

import numpy as np


def edge_distance(mask: np.ndarray, x: float, y: float, limit: float) -> float:
    """Euclidean distance in pixels from pixel (``x``, ``y``) of the (H, W) bool ``mask`` to the
    nearest pixel whose value differs from the value there; ``limit`` when none is nearer.

    Only the square of side 2 x ``limit`` around the point is searched, so the cost does not
    grow with the image. A point outside the image is clamped to its border.
    """
    height, width = mask.shape
    row = min(height - 1, max(0, int(y)))
    col = min(width - 1, max(0, int(x)))
    reach = max(1, math.ceil(limit))
    top, left = max(0, row - reach), max(0, col - reach)
    patch = mask[top : row + reach + 1, left : col + reach + 1]
    rows, cols = np.nonzero(patch != mask[row, col])
    if rows.size == 0:
        return float(limit)
    nearest = float(np.sqrt(((rows + top - row) ** 2 + (cols + left - col) ** 2).min()))
    return min(float(limit), nearest)
