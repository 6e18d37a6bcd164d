"""The standard robot user clicks the deepest point of the largest error."""

from __future__ import annotations

import numpy as np

from inference.evaluation.clicker import next_click
from inference.evaluation.metrics import iou


def test_first_click_lands_at_the_objects_deepest_interior_point() -> None:
    truth = np.zeros((50, 50), dtype=bool)
    truth[10:31, 5:26] = True  # a 21x21 square centred at (15, 20)
    click = next_click(truth, np.zeros_like(truth))
    assert click is not None and click.positive
    assert (click.x, click.y) == (15.0, 20.0)


def test_a_larger_false_positive_region_gets_a_negative_click() -> None:
    truth = np.zeros((40, 40), dtype=bool)
    truth[5:10, 5:10] = True
    prediction = truth.copy()
    prediction[20:38, 20:38] = True
    click = next_click(truth, prediction)
    assert click is not None and not click.positive
    assert 20 <= click.x < 38 and 20 <= click.y < 38


def test_a_perfect_prediction_needs_no_click() -> None:
    truth = np.zeros((10, 10), dtype=bool)
    truth[2:5, 2:5] = True
    assert next_click(truth, truth.copy()) is None


def test_ignored_pixels_neither_draw_clicks_nor_count_in_iou() -> None:
    truth = np.zeros((20, 20), dtype=bool)
    truth[5:15, 5:15] = True
    ignore = np.zeros_like(truth)
    ignore[5:15, 5:15] = True
    assert next_click(truth, np.zeros_like(truth), ignore=ignore) is None
    assert iou(truth, np.zeros_like(truth), ignore=ignore) == 1.0
    assert iou(truth, np.zeros_like(truth)) == 0.0
