"""The previous mask anchors a correction: a click changes its own neighbourhood, not the whole object.

A click the previous mask got wrong lies at some depth in its error: its distance to the
mask's edge. The pixels on the click's wrong side of the edge that lie much deeper than that
(``ratio`` times) belong to the part of the mask the click does not question. They become
seeds of the click's rival in the geodesic prior, so a positive click on the object's edge
cannot flood the background beyond it, and a negative click cannot empty the object.
"""

from __future__ import annotations

import cv2
import numpy as np

MIN_DEPTH = 3.0
"""Working pixels: however shallow the click, its anchor lies at least this far from the edge."""


def anchor_seeds(inside: np.ndarray, col: int, row: int, positive: bool, ratio: float) -> np.ndarray | None:
    """(h, w) bool anchor of a click at (``col``, ``row``) on the (h, w) bool previous mask ``inside``.

    A positive click outside the mask: the background farther than ``ratio`` times the click's
    distance from the mask. A negative click inside it: the mask deeper than ``ratio`` times the
    click's depth. None when the click lies on its own side already (nothing to correct), or
    when the mask's edge is nowhere in view (all of ``inside`` on one side).
    """
    side = ~inside if positive else inside
    if side.all() or not side.any():
        return None
    depth_map = cv2.distanceTransform(side.astype(np.uint8), cv2.DIST_L2, 3)
    depth = float(depth_map[row, col])
    if depth <= 0.0:
        return None
    return np.asarray(depth_map > max(MIN_DEPTH, ratio * depth))
