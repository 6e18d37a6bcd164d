"""A click corrects its own neighbourhood: the anchor of the previous mask and the monotone update."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from inference.engines.anchor import anchor_seeds
from inference.engines.grabcut import GrabCutEngine
from inference.evaluation.metrics import iou
from inference.prompts import Click, Prompts, Scribble
from inference.synthetic import textured_background


def square_mask() -> np.ndarray:
    mask = np.zeros((100, 100), dtype=bool)
    mask[30:70, 30:70] = True
    return mask


def test_a_positive_clicks_anchor_is_the_background_beyond_three_times_its_depth() -> None:
    mask = square_mask()
    seeds = anchor_seeds(mask, col=74, row=50, positive=True, ratio=3.0)  # 5 px right of the edge
    assert seeds is not None
    assert not seeds[50, 70:84].any()  # within 3 x 5 px of the mask: free for the click
    assert seeds[50, 86:].all()  # beyond: anchored background
    assert not seeds[mask].any()  # never the mask itself


def test_a_negative_clicks_anchor_is_the_mask_deeper_than_three_times_its_depth() -> None:
    mask = square_mask()
    seeds = anchor_seeds(mask, col=67, row=50, positive=False, ratio=3.0)  # 3 px inside the edge
    assert seeds is not None
    assert seeds[50, 45:55].all()  # the middle of the square, over 9 px deep, is anchored
    assert not seeds[50, 61:70].any()  # the rim the click questions is not
    assert not seeds[~mask].any()


def test_a_click_already_on_its_own_side_has_no_anchor() -> None:
    mask = square_mask()
    assert anchor_seeds(mask, col=50, row=50, positive=True, ratio=3.0) is None
    assert anchor_seeds(mask, col=10, row=10, positive=False, ratio=3.0) is None


def test_without_the_masks_edge_in_view_there_is_no_anchor() -> None:
    nothing = np.zeros((100, 100), dtype=bool)  # a patch the previous mask does not reach
    assert anchor_seeds(nothing, col=50, row=50, positive=True, ratio=3.0) is None
    assert anchor_seeds(~nothing, col=50, row=50, positive=False, ratio=3.0) is None


def square_beside_a_lookalike() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A red square, touching on its right a large region of nearly the same red."""
    image = textured_background(200, 160, np.random.default_rng(5))
    square = np.zeros((160, 200), dtype=bool)
    square[50:110, 40:100] = True
    lookalike = np.zeros_like(square)
    lookalike[30:130, 100:190] = True
    image[square] = (230, 40, 40)
    image[lookalike] = (215, 55, 45)
    return image, square, lookalike


def test_a_click_on_the_edge_fills_the_strip_without_flooding_the_lookalike() -> None:
    image, square, lookalike = square_beside_a_lookalike()
    previous = square.copy()
    previous[:, 96:100] = False  # the square's right edge is missing
    prompts = Prompts(clicks=(Click(x=70, y=80, positive=True), Click(x=98, y=80, positive=True)))
    masks = {}
    for anchor in (None, 3.0):
        engine = GrabCutEngine(anchor=anchor)
        masks[anchor] = engine.predict(engine.prepare(image), prompts, previous) >= 0.5
    assert (masks[None] & lookalike).sum() > 1000  # unanchored, the click floods the lookalike
    assert (masks[3.0] & lookalike).sum() < 50  # anchored, it stays on the square
    assert masks[3.0][50:110, 96:100].mean() > 0.95  # and fills the missing strip
    assert iou(square, masks[3.0]) > 0.98


def test_a_positive_click_only_adds_and_keeps_every_pixel_the_mask_had() -> None:
    image, square, _ = square_beside_a_lookalike()
    ring = cv2.dilate(square.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    previous = ring.copy()
    previous[:, 94:103] = False  # an overshooting ring, with a gap at the right edge
    prompts = Prompts(clicks=(Click(x=70, y=80, positive=True), Click(x=97, y=80, positive=True)))
    masks = {}
    for monotone in (False, True):
        engine = GrabCutEngine(monotone=monotone, anchor=None)
        masks[monotone] = engine.predict(engine.prepare(image), prompts, previous) >= 0.5
    assert (previous & ~masks[False]).sum() > 100  # a free local update also trims the ring
    assert not (previous & ~masks[True]).any()  # the positive click takes nothing away
    assert masks[True][50:110, 94:100].mean() > 0.95  # it fills the gap


def test_an_anchor_of_one_or_less_is_refused() -> None:
    with pytest.raises(ValueError, match="anchor must be > 1"):
        GrabCutEngine(anchor=1.0)


def test_a_scribble_after_a_click_corrects_what_it_crosses() -> None:
    image, square, _ = square_beside_a_lookalike()
    previous = square.copy()
    previous[50:110, 100:120] = True  # the mask spills into the lookalike
    stroke = Scribble(points=((110.0, 60.0), (110.0, 100.0)), thickness=3.0, positive=False)
    prompts = Prompts().with_click(Click(x=70, y=80, positive=True)).with_scribble(stroke)
    engine = GrabCutEngine()
    mask = engine.predict(engine.prepare(image), prompts, previous) >= 0.5
    assert not (mask & ~square).any()  # the whole spill the stroke crosses goes, not only its pixels
    assert (mask & square).sum() > 0.99 * square.sum()


def test_prompts_built_in_order_know_which_came_last() -> None:
    click = Click(x=1, y=1, positive=True)
    stroke = Scribble(points=((2.0, 2.0),), thickness=1.0, positive=False)
    assert Prompts().with_click(click).with_scribble(stroke).latest == stroke
    assert Prompts().with_scribble(stroke).with_click(click).latest_click == click
    assert Prompts(clicks=(click,), scribbles=(stroke,)).latest == click  # built at once: clicks first
