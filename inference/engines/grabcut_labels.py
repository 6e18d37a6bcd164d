"""Marking GrabCut's label map: the previous mask, a coarse mask's trusted parts, grown clicks, a box.

All work on the working copy of a window (``inference/engines/grabcut_window.py``) and write
OpenCV's four labels (``GC_BGD``, ``GC_FGD``, ``GC_PR_BGD``, ``GC_PR_FGD``) in place.
"""

from __future__ import annotations

import cv2
import numpy as np

from inference.engines.grabcut_window import Window
from inference.prompts import Box, Prompts


def previous_in_window(previous: np.ndarray, window: Window) -> np.ndarray:
    """The previous (H, W) bool mask as the window's working copy sees it."""
    crop = previous[window.y0 : window.y1, window.x0 : window.x1].astype(np.uint8)
    return np.asarray(cv2.resize(crop, window.size, interpolation=cv2.INTER_NEAREST) > 0)


def trust_coarse(labels: np.ndarray, inside: np.ndarray, band: float) -> None:
    """A coarse mask alone: definite labels beyond the band around its edge."""
    width = max(2, round(band * np.sqrt(np.count_nonzero(inside))))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * width + 1, 2 * width + 1))
    as_bytes = inside.astype(np.uint8)
    labels[cv2.erode(as_bytes, kernel).astype(bool)] = cv2.GC_FGD
    labels[~cv2.dilate(as_bytes, kernel).astype(bool)] = cv2.GC_BGD


def grow_clicks(
    labels: np.ndarray, window: Window, prompts: Prompts, inside: np.ndarray, seed: int, grow: float
) -> None:
    """Around a click the previous mask got wrong, mark a probable disk of its own label.

    The radius is ``grow`` times the click's distance to the previous mask's edge (the
    depth of the region the click corrects), at most the first click's seed radius.
    """
    to_inside = cv2.distanceTransform((~inside).astype(np.uint8), cv2.DIST_L2, 3)
    to_outside = cv2.distanceTransform(inside.astype(np.uint8), cv2.DIST_L2, 3)
    for click in prompts.clicks:
        if not window.contains(click.x, click.y):
            continue
        col, row = window.point(click.x, click.y)
        depth = float(to_inside[row, col] if click.positive else to_outside[row, col])
        if depth <= 0:
            continue
        radius = max(2, round(min(seed, grow * depth)))
        value = cv2.GC_PR_FGD if click.positive else cv2.GC_PR_BGD
        cv2.circle(labels, (col, row), radius, int(value), -1)


def apply_box(labels: np.ndarray, box: Box, window: Window, fill_inside: bool) -> None:
    h, w = labels.shape
    s = window.scale
    x0 = int(np.clip(np.floor((box.x0 - window.x0) * s), 0, w - 1))
    y0 = int(np.clip(np.floor((box.y0 - window.y0) * s), 0, h - 1))
    x1 = int(np.clip(np.ceil((box.x1 - window.x0) * s), x0 + 1, w))
    y1 = int(np.clip(np.ceil((box.y1 - window.y0) * s), y0 + 1, h))
    outside = np.ones((h, w), dtype=bool)
    outside[y0:y1, x0:x1] = False
    labels[outside] = cv2.GC_BGD
    if fill_inside:
        labels[y0:y1, x0:x1] = cv2.GC_PR_FGD
