"""The images GrabCut works on: the prepared image, and the window of it one step cuts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.masks.strokes import scribble_mask
from inference.prompts import Scribble


@dataclass(frozen=True)
class GrabCutImage:
    """The image GrabCut segments: ``bgr`` at full size, ``small`` scaled by ``scale`` (<= 1)
    so its longer side is at most the engine's ``max_side``."""

    width: int
    height: int
    scale: float
    bgr: np.ndarray
    small: np.ndarray

    @property
    def nbytes(self) -> int:
        return int(self.bgr.nbytes + self.small.nbytes)


@dataclass(frozen=True)
class Window:
    """The part of the image one step works on: image pixels [x0, x1) x [y0, y1), ``scale``
    working pixels per image pixel."""

    x0: int
    y0: int
    x1: int
    y1: int
    scale: float

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the working copy."""
        return (
            max(1, round((self.x1 - self.x0) * self.scale)),
            max(1, round((self.y1 - self.y0) * self.scale)),
        )

    def point(self, x: float, y: float) -> tuple[int, int]:
        """Image (x, y) → working (column, row), clamped to the working copy."""
        width, height = self.size
        col = int((x - self.x0) * self.scale)
        row = int((y - self.y0) * self.scale)
        return min(width - 1, max(0, col)), min(height - 1, max(0, row))

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x < self.x1 and self.y0 <= y < self.y1

    def scribble(self, scribble: Scribble, thickness: float | None = None) -> np.ndarray:
        width, height = self.size
        if thickness is not None:
            scribble = Scribble(points=scribble.points, thickness=thickness, positive=scribble.positive)
        return scribble_mask(scribble, height, width, self.scale, (self.x0, self.y0))
