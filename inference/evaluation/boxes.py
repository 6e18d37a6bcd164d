"""The box robot: the ground truth's bounding box, optionally jittered (seed 002 §5.1)."""

from __future__ import annotations

import numpy as np

from inference.prompts import Box


def bounding_box(mask: np.ndarray) -> Box:
    """The tightest box around a (H, W) bool mask, in pixel-edge coordinates (x1, y1 exclusive)."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        raise ValueError("an empty mask has no bounding box")
    return Box(x0=float(cols[0]), y0=float(rows[0]), x1=float(cols[-1] + 1), y1=float(rows[-1] + 1))


def jittered_box(
    mask: np.ndarray,
    rng: np.random.Generator,
    size_jitter: float = 0.1,
    shift_jitter: float = 0.05,
) -> Box:
    """The ground-truth box scaled by up to ±``size_jitter`` and moved by up to ±``shift_jitter``.

    Both are fractions of the box's own width and height, drawn uniformly per axis; the
    result is clipped to the image and never shrinks below one pixel.
    """
    box = bounding_box(mask)
    height, width = mask.shape
    box_w, box_h = box.x1 - box.x0, box.y1 - box.y0
    scale_x, scale_y = 1.0 + rng.uniform(-size_jitter, size_jitter, size=2)
    shift_x, shift_y = rng.uniform(-shift_jitter, shift_jitter, size=2)
    cx = (box.x0 + box.x1) / 2 + shift_x * box_w
    cy = (box.y0 + box.y1) / 2 + shift_y * box_h
    half_w = max(0.5, box_w * scale_x / 2)
    half_h = max(0.5, box_h * scale_y / 2)
    x0 = float(np.clip(cx - half_w, 0, width - 1))
    y0 = float(np.clip(cy - half_h, 0, height - 1))
    x1 = float(np.clip(cx + half_w, x0 + 1, width))
    y1 = float(np.clip(cy + half_h, y0 + 1, height))
    return Box(x0=x0, y0=y0, x1=x1, y1=y1)
