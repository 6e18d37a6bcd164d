"""Rasterising scribbles, shared by engines and the scribble robot so both see the same pixels."""

from __future__ import annotations

import cv2
import numpy as np

from inference.prompts import Scribble


def scribble_mask(
    scribble: Scribble,
    height: int,
    width: int,
    scale: float = 1.0,
    origin: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """The (height, width) bool pixels a scribble covers in a view of the image.

    The view starts at image pixel ``origin`` (x, y) and has ``scale`` view pixels per image
    pixel; the whole image at full size is the default.

    A stroke ``thickness`` px wide: every pixel within (thickness - 1) / 2 of the centre line
    (also where the line runs outside the view), so a 3 px scribble is exactly 3 px across.
    """
    points = np.round((np.asarray(scribble.points, dtype=np.float64) - origin) * scale).astype(np.int32)
    radius = max(0.0, (scribble.thickness * scale - 1.0) / 2.0)
    out = np.zeros((height, width), dtype=bool)
    # Only the stroke's neighbourhood can be covered: work in its box grown by the radius,
    # beyond the view where the stroke leaves it, so pixels near the view's edge are measured
    # against the whole centre line.
    pad = int(np.ceil(radius)) + 1
    bx0, by0 = int(points[:, 0].min()) - pad, int(points[:, 1].min()) - pad
    bx1, by1 = int(points[:, 0].max()) + pad + 1, int(points[:, 1].max()) + pad + 1
    x0, y0, x1, y1 = max(0, bx0), max(0, by0), min(width, bx1), min(height, by1)
    if x0 >= x1 or y0 >= y1:
        return out
    centre = np.zeros((by1 - by0, bx1 - bx0), dtype=np.uint8)
    local = points - np.array([bx0, by0], dtype=np.int32)
    if len(local) == 1:
        cv2.circle(centre, (int(local[0, 0]), int(local[0, 1])), 0, 1, -1)
    else:
        cv2.polylines(centre, [local.reshape(-1, 1, 2)], False, 1, 1, cv2.LINE_8)
    covered = centre.astype(bool)
    if radius >= 0.5:
        covered = cv2.distanceTransform(1 - centre, cv2.DIST_L2, cv2.DIST_MASK_PRECISE) <= radius
    out[y0:y1, x0:x1] = covered[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0]
    return out
