"""Sparse label masks (seed 004): 1 object, 0 background, -1 unknown (ignored by the loss)."""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np

from inference.prompts import Click

UNKNOWN = -1
# Eq. 4's structuring element: the 3 x 3 cross.
CROSS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=np.uint8)


def click_label(clicks: Iterable[Click], height: int, width: int) -> np.ndarray:
    """Eq. 1: (H, W) int8, 1 at positive clicks, 0 at negative clicks, -1 elsewhere.

    A later click on the same pixel wins.
    """
    label = np.full((height, width), UNKNOWN, dtype=np.int8)
    for click in clicks:
        row = min(height - 1, max(0, int(click.y)))
        col = min(width - 1, max(0, int(click.x)))
        label[row, col] = 1 if click.positive else 0
    return label


def result_label(mask: np.ndarray, erosions: int = 5) -> np.ndarray:
    """Eq. 3-5: the accepted (H, W) bool mask with its foreground and its background each
    eroded ``erosions`` times by the cross; the band between them is unknown (-1).

    ``erosions=0`` is the untreated result mask (every pixel labelled).
    """
    if erosions < 0:
        raise ValueError("erosions must be >= 0")
    as_bytes = mask.astype(np.uint8)
    foreground = cv2.erode(as_bytes, CROSS, iterations=erosions, borderType=cv2.BORDER_REPLICATE)
    background = cv2.erode(1 - as_bytes, CROSS, iterations=erosions, borderType=cv2.BORDER_REPLICATE)
    label = np.full(mask.shape, UNKNOWN, dtype=np.int8)
    label[foreground.astype(bool)] = 1
    label[background.astype(bool)] = 0
    return label


def merged_label(result: np.ndarray, clicks: np.ndarray) -> np.ndarray:
    """The result-mask label and the click label as one (the clicks win where both speak)."""
    out = result.copy()
    known = clicks != UNKNOWN
    out[known] = clicks[known]
    return out
