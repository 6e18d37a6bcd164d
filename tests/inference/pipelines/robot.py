"""The standard robot clicking with an engine until the object is done or the clicks run out."""

from __future__ import annotations

import numpy as np

from inference.engines.base import Engine
from inference.evaluation.clicker import next_click
from inference.prompts import Click, Prompts


def robot_mask(engine: Engine, image: np.ndarray, truth: np.ndarray, clicks: int) -> np.ndarray:
    """The (H, W) bool mask after at most ``clicks`` robot clicks."""
    prepared = engine.prepare(image)
    mask = np.zeros_like(truth)
    given: tuple[Click, ...] = ()
    for _ in range(clicks):
        click = next_click(truth, mask)
        if click is None:
            break
        given = (*given, click)
        mask = engine.predict(prepared, Prompts(clicks=given), mask if mask.any() else None) >= 0.5
    return mask
