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

    A stroke ``thickness`` px wide: every pixel within (thickness - 1) / 2 of the centre line,
    so a 3 px scribble is exactly 3 px across.
    """
    centre = np.zeros((height, width), dtype=np.uint8)
    points = np.round((np.asarray(scribble.points, dtype=np.float64) - origin) * scale).astype(np.int32)
    if len(points) == 1:
        cv2.circle(centre, (int(points[0, 0]), int(points[0, 1])), 0, 1, -1)
    else:
        cv2.polylines(centre, [points.reshape(-1, 1, 2)], False, 1, 1, cv2.LINE_8)
    radius = max(0.0, (scribble.thickness * scale - 1.0) / 2.0)
    if radius < 0.5:
        return centre.astype(bool)
    distance = cv2.distanceTransform(1 - centre, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return distance <= radius
