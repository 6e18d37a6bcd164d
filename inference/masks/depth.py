"""How deep each pixel lies inside a mask: the distance to the nearest pixel outside it."""

from __future__ import annotations

import cv2
import numpy as np


def interior_depth(mask: np.ndarray, edge_is_outside: bool = True) -> np.ndarray:
    """(H, W) float32 Euclidean distance of each True pixel of a bool mask to the nearest False one.

    ``edge_is_outside``: the image border counts as outside (the robot users' convention, so an
    object cut by the border has its deepest point inside the image); False treats the border
    as a continuation of the mask (contours of the object only, as boundary IoU wants).
    """
    padded = np.pad(mask.astype(np.uint8), 1, mode="constant" if edge_is_outside else "edge")
    return cv2.distanceTransform(padded, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)[1:-1, 1:-1]
