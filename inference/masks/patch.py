"""Mask patches: the bounding box of the pixels one step changed, with their old and new values.

A patch is the unit of undo and redo: applying ``after`` inside the box redoes the step,
applying ``before`` undoes it, whatever happened elsewhere in the mask.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from inference.masks import rle


@dataclass(frozen=True)
class MaskPatch:
    """Pixels changed by one step.

    ``x, y, width, height`` is the changed region's box in image pixels (x = column).
    ``before`` and ``after`` are (height, width) bool arrays of that box's old and new values.
    An empty patch (nothing changed) has width == height == 0.
    """

    x: int
    y: int
    width: int
    height: int
    before: np.ndarray
    after: np.ndarray

    @property
    def is_empty(self) -> bool:
        return self.width == 0 or self.height == 0

    def apply(self, mask: np.ndarray) -> np.ndarray:
        """Return a copy of a (H, W) bool mask with the step redone."""
        out = mask.copy()
        out[self.y : self.y + self.height, self.x : self.x + self.width] = self.after
        return out

    def revert(self, mask: np.ndarray) -> np.ndarray:
        """Return a copy of a (H, W) bool mask with the step undone."""
        out = mask.copy()
        out[self.y : self.y + self.height, self.x : self.x + self.width] = self.before
        return out

    def to_wire(self) -> dict[str, object]:
        """JSON-ready form: the box and both sides as COCO RLE of the box's pixels."""
        if self.is_empty:
            return {"bbox": [self.x, self.y, 0, 0], "before": None, "after": None}
        return {
            "bbox": [self.x, self.y, self.width, self.height],
            "before": rle.encode(self.before),
            "after": rle.encode(self.after),
        }


def diff(old: np.ndarray, new: np.ndarray) -> MaskPatch:
    """The patch that turns bool mask ``old`` into ``new`` (both (H, W))."""
    if old.shape != new.shape:
        raise ValueError(f"mask shapes differ: {old.shape} vs {new.shape}")
    changed = np.not_equal(old, new).view(np.uint8)
    x0, y0, width, height = cv2.boundingRect(changed)
    if width == 0 or height == 0:
        empty = np.zeros((0, 0), dtype=bool)
        return MaskPatch(0, 0, 0, 0, empty, empty)
    x1, y1 = x0 + width, y0 + height
    return MaskPatch(
        x=x0,
        y=y0,
        width=width,
        height=height,
        before=old[y0:y1, x0:x1].copy(),
        after=new[y0:y1, x0:x1].copy(),
    )
