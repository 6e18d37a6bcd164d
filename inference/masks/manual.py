"""Brush and eraser strokes: pixels the annotator set by hand, which later model steps keep.

A stroke sets every pixel it covers to the object (brush) or to the background (eraser). A model
step that follows leaves those pixels as they were, unless the annotator later clicks or
scribbles inside the stroke: that hands the stroke's pixels back to the model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from inference.masks.strokes import scribble_mask
from inference.prompts import Click, Scribble


@dataclass(frozen=True)
class BrushStroke:
    """A freehand stroke through ``points`` ((x, y) image pixels), ``size`` px across.

    ``erase`` makes it an eraser stroke (background), otherwise it paints the object.
    """

    points: tuple[tuple[float, float], ...]
    size: float
    erase: bool

    def __post_init__(self) -> None:
        if not self.points:
            raise ValueError("a brush stroke needs at least one point")
        if self.size <= 0:
            raise ValueError("a brush stroke's size must be positive")

    def pixels(self, height: int, width: int) -> np.ndarray:
        """The (height, width) bool pixels the stroke covers."""
        return scribble_mask(Scribble(self.points, self.size, not self.erase), height, width)

    def paint(self, mask: np.ndarray) -> np.ndarray:
        """A copy of the (H, W) bool mask with the stroke applied."""
        out = mask.copy()
        out[self.pixels(*mask.shape)] = not self.erase
        return out


def _touches(stroke: np.ndarray, prompt: Click | Scribble) -> bool:
    """Whether a click lies on the stroke's pixels, or a scribble crosses them."""
    height, width = stroke.shape
    if isinstance(prompt, Scribble):
        return bool((scribble_mask(prompt, height, width) & stroke).any())
    col, row = int(prompt.x), int(prompt.y)
    return 0 <= row < height and 0 <= col < width and bool(stroke[row, col])


def locked_pixels(
    steps: Iterable[BrushStroke | Click | Scribble], height: int, width: int
) -> np.ndarray | None:
    """The pixels a model step must not change, from the session's active steps in order.

    Every stroke locks its pixels until a later click lands on it or a later scribble crosses it.
    None when nothing is locked.
    """
    strokes: list[np.ndarray] = []
    for step in steps:
        if isinstance(step, BrushStroke):
            strokes.append(step.pixels(height, width))
        else:
            strokes = [s for s in strokes if not _touches(s, step)]
    if not strokes:
        return None
    locked = np.zeros((height, width), dtype=bool)
    for stroke in strokes:
        locked |= stroke
    return locked


def keep_locked(prediction: np.ndarray, previous: np.ndarray, locked: np.ndarray | None) -> np.ndarray:
    """The model's (H, W) bool mask with the locked pixels back at their previous values."""
    if locked is None:
        return prediction
    return np.where(locked, previous, prediction)
