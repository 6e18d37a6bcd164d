"""Brush strokes lock their pixels against later model steps until a click lands inside them."""

from __future__ import annotations

import numpy as np

from inference.masks.manual import BrushStroke, keep_locked, locked_pixels
from inference.masks.patch import diff
from inference.masks.strokes import scribble_mask
from inference.pipelines.merge import merge_at_click
from inference.prompts import Click, Scribble

STROKE = BrushStroke(points=((2.0, 2.0), (8.0, 2.0)), size=3.0, erase=False)


def test_a_stroke_paints_a_band_of_its_size_and_the_eraser_clears_it() -> None:
    painted = STROKE.paint(np.zeros((10, 12), dtype=bool))
    assert painted[1:4, 2:9].all() and painted.sum() == 3 * 7 + 2  # round caps of radius 1
    erased = BrushStroke(points=STROKE.points, size=3.0, erase=True).paint(np.ones((10, 12), dtype=bool))
    assert np.array_equal(~erased, painted)


def test_strokes_stay_locked_until_a_click_or_scribble_lands_inside() -> None:
    other = BrushStroke(points=((5.0, 8.0),), size=1.0, erase=True)
    locked = locked_pixels([STROKE, other, Click(11.0, 9.0, True)], 10, 12)
    assert locked is not None and locked.sum() == 23 + 1
    locked = locked_pixels([STROKE, other, Click(5.0, 2.0, False)], 10, 12)
    assert locked is not None and locked.sum() == 1 and locked[8, 5]
    scribble = Scribble(points=((0.0, 8.0), (6.0, 8.0)), thickness=1.0, positive=True)
    assert locked_pixels([other, scribble], 10, 12) is None
    # A stroke drawn after the click is locked again.
    assert locked_pixels([Click(5.0, 2.0, False), STROKE], 10, 12) is not None


def test_locked_pixels_keep_their_previous_values() -> None:
    previous = STROKE.paint(np.zeros((10, 12), dtype=bool))
    prediction = np.zeros((10, 12), dtype=bool)
    prediction[6:, :] = True
    kept = keep_locked(prediction, previous, locked_pixels([STROKE], 10, 12))
    assert np.array_equal(kept, previous | prediction)
    assert keep_locked(prediction, previous, None) is prediction


def test_reverting_a_merge_steps_patch_restores_its_pixels_after_a_brush_edit_elsewhere() -> None:
    mask = np.zeros((40, 60), dtype=bool)
    mask[10:30, 10:30] = True
    brushed = BrushStroke(points=((50.0, 5.0), (55.0, 5.0)), size=3.0, erase=False).paint(mask)
    prediction = np.zeros_like(mask)
    prediction[10:30, 10:40] = True  # grows the object to the right; drops the brushed blob
    merged = merge_at_click(brushed, prediction, 35.0, 20.0)
    assert merged[10:30, 30:40].all() and merged[4:7, 50:56].any()  # the blob survives the merge
    step = diff(brushed, merged)
    assert np.array_equal(step.revert(merged), brushed)
    assert np.array_equal(step.apply(brushed), merged)


def test_a_stroke_leaving_the_view_covers_the_same_pixels_as_in_a_larger_view() -> None:
    stroke = Scribble(points=((-15.0, 5.0), (20.0, 30.0), (70.0, -8.0)), thickness=9.0, positive=True)
    inside = scribble_mask(stroke, 40, 50)
    larger = scribble_mask(stroke, 80, 100, origin=(-30.0, -20.0))
    assert inside.any() and np.array_equal(inside, larger[20:60, 30:80])
