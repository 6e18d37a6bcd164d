"""Progressive merge of FocalClick-XL (seed 002 §3.1): a click changes only the region it is in.

The new prediction is binarised at 0.5 and compared with the current mask; of the pixels that
differ, only the connected region that holds the new click is taken, and every other pixel keeps
its current value. Corrections made earlier elsewhere therefore survive a click that would have
flipped them back. It applies from the start when the object began from an existing mask
(``Prompts.from_mask``), and after ``after_clicks`` clicks (default 10) when it began from nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from inference.engines.base import Engine, PreparedImage, predict_stages
from inference.prompts import Prompts

AFTER_CLICKS = 10


def merge_at_click(previous: np.ndarray, prediction: np.ndarray, x: float, y: float) -> np.ndarray:
    """``previous`` with only the changed region of ``prediction`` (both (H, W) bool) that holds
    pixel (x, y) taken over; returns a new (H, W) bool mask."""
    h, w = previous.shape
    row, col = min(h - 1, max(0, int(y))), min(w - 1, max(0, int(x)))
    changed = prediction != previous
    merged = previous.copy()
    if not changed[row, col]:
        return merged
    _, regions = cv2.connectedComponents(changed.astype(np.uint8), connectivity=8)
    region = regions == regions[row, col]
    merged[region] = prediction[region]
    return merged


class ProgressiveMerge:
    """Wraps an engine: after ``after_clicks`` clicks, each click changes only its own region."""

    def __init__(self, engine: Engine, *, after_clicks: int = AFTER_CLICKS) -> None:
        self.engine = engine
        self.name = engine.name
        self.after_clicks = after_clicks

    def prepare(self, image: np.ndarray) -> PreparedImage:
        return self.engine.prepare(image)

    def predict(
        self, prepared: PreparedImage, prompts: Prompts, previous_mask: np.ndarray | None
    ) -> np.ndarray:
        *_, last = self.predict_stages(prepared, prompts, previous_mask)
        return last

    def predict_stages(
        self, prepared: PreparedImage, prompts: Prompts, previous_mask: np.ndarray | None
    ) -> Iterator[np.ndarray]:
        """Each of the wrapped engine's answers, merged."""
        for probability in predict_stages(self.engine, prepared, prompts, previous_mask):
            yield self._merge(probability, prompts, previous_mask)

    def _merge(
        self, probability: np.ndarray, prompts: Prompts, previous_mask: np.ndarray | None
    ) -> np.ndarray:
        active = prompts.from_mask or len(prompts.clicks) > self.after_clicks
        click = prompts.latest_click
        if previous_mask is None or click is None or not active:
            return probability
        merged = merge_at_click(previous_mask.astype(bool), probability >= 0.5, click.x, click.y)
        return merged.astype(np.float32)
