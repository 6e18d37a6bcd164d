"""The local update of an interactive step: the latest prompt changes its own region only."""

from __future__ import annotations

import cv2
import numpy as np

from inference.masks.strokes import scribble_mask
from inference.prompts import Click, Prompts, Scribble


def keep_latest_change(
    prob: np.ndarray, previous: np.ndarray, prompts: Prompts, monotone: bool
) -> np.ndarray:
    """Keep the previous mask except the changed regions the latest click or scribble touches.

    Clicks and scribbles correct one place; a graph cut that also flips distant regions (a
    new colour model) would undo earlier corrections there, so those changes are dropped.
    With ``monotone``, only the changes in the prompt's direction count: a positive prompt
    adds, a negative one removes. A box re-frames the object: its whole cut counts.
    """
    latest = prompts.latest
    h, w = prob.shape
    touched = np.zeros((h, w), dtype=bool)
    if isinstance(latest, Click):
        touched[min(h - 1, max(0, int(latest.y))), min(w - 1, max(0, int(latest.x)))] = True
    elif isinstance(latest, Scribble):
        touched = scribble_mask(latest, h, w)
    else:
        return prob
    changed = (prob >= 0.5) != previous
    if monotone:
        changed &= previous != latest.positive
    count, regions = cv2.connectedComponents(changed.astype(np.uint8), connectivity=8)
    labels = np.setdiff1d(regions[touched], [0])
    if labels.size == 0:
        return previous.astype(np.float32)
    if count <= 2 and not monotone:
        return prob
    return np.where(np.isin(regions, labels), prob, previous.astype(np.float32)).astype(np.float32)
