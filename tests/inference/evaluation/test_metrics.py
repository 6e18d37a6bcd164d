"""Metrics against hand-made cases: IoU with an ignore band, NoC/NoF/FR, curves, BIoU, ASSD."""

from __future__ import annotations

import math

import numpy as np
import pytest

from inference.evaluation import metrics
from inference.evaluation.metrics import History


def square(size: int, top: int, left: int, side: int) -> np.ndarray:
    mask = np.zeros((size, size), dtype=bool)
    mask[top : top + side, left : left + side] = True
    return mask


def test_noc_is_the_first_click_reaching_the_threshold_and_the_cap_otherwise() -> None:
    history = History(ious=(0.5, 0.8, 0.86, 0.91, 0.89, 0.96))
    assert metrics.interactions_to_reach(history, 0.85, 20) == 3
    assert metrics.interactions_to_reach(history, 0.90, 20) == 4
    assert metrics.interactions_to_reach(history, 0.95, 20) == 6
    assert metrics.interactions_to_reach(history, 0.99, 20) == 20
    # a threshold reached only after the cap is a failure counted as the cap
    assert metrics.interactions_to_reach(history, 0.95, 5) == 5
    assert metrics.failed(history, 0.95, 5)
    assert not metrics.failed(history, 0.95, 6)


def test_a_start_that_already_reaches_the_threshold_needs_no_click() -> None:
    history = History(ious=(0.95,), initial=0.88)
    assert metrics.interactions_to_reach(history, 0.85, 20) == 0
    assert metrics.interactions_to_reach(history, 0.90, 20) == 1


def test_mean_noc_nof_and_failure_rate_over_a_run() -> None:
    run = [
        History(ious=(0.9,)),  # 1 click at 85 and 90
        History(ious=(0.6, 0.87, 0.88)),  # 2 at 85, fails 90 within 3
        History(ious=(0.1, 0.2, 0.3)),  # fails both
        History(ious=(0.7, 0.86, 0.93)),  # 2 at 85, 3 at 90
    ]
    assert metrics.mean_noc(run, 0.85, 3) == pytest.approx((1 + 2 + 3 + 2) / 4)
    assert metrics.mean_noc(run, 0.90, 3) == pytest.approx((1 + 3 + 3 + 3) / 4)
    assert metrics.count_failures(run, 0.85, 3) == 1
    assert metrics.count_failures(run, 0.90, 3) == 2
    assert metrics.failure_rate(run, 0.90, 3) == pytest.approx(50.0)
    assert metrics.failure_rate(run, 0.85, 3) == pytest.approx(25.0)
    assert math.isnan(metrics.failure_rate([], 0.85, 3))


def test_the_miou_curve_holds_a_finished_objects_last_iou() -> None:
    run = [History(ious=(0.5, 1.0)), History(ious=(0.2, 0.4, 0.6))]
    assert metrics.miou_curve(run, 4) == pytest.approx([0.35, 0.7, 0.8, 0.8])
    assert metrics.iou_after(run[1], 2) == 0.4
    assert metrics.iou_after(History(ious=(0.3,), initial=0.7), 0) == 0.7


def test_iou_leaves_out_the_ignore_band() -> None:
    truth = square(20, 5, 5, 10)
    prediction = square(20, 4, 4, 12)  # one extra ring around the object
    ring = prediction & ~truth
    assert metrics.iou(truth, prediction) == pytest.approx(100 / 144)
    assert metrics.iou(truth, prediction, ignore=ring) == 1.0


def test_boundary_iou_punishes_a_shifted_edge_more_than_iou() -> None:
    truth = square(200, 40, 40, 120)
    shifted = square(200, 44, 44, 120)
    assert metrics.boundary_iou(truth, truth) == 1.0
    whole = metrics.iou(truth, shifted)
    boundary = metrics.boundary_iou(truth, shifted)
    assert 0.0 < boundary < whole < 1.0


def test_assd_of_a_square_grown_by_three_pixels_is_about_three() -> None:
    truth = square(100, 30, 30, 40)
    grown = square(100, 27, 27, 46)
    assert metrics.assd(truth, truth) == 0.0
    assert metrics.assd(truth, grown) == pytest.approx(3.0, abs=0.35)
    assert metrics.assd(truth, np.zeros_like(truth)) == pytest.approx(math.hypot(100, 100))


def test_destroyed_fraction_counts_only_pixels_the_start_had_right() -> None:
    truth = np.zeros((4, 5), dtype=bool)
    truth[:, :2] = True  # 8 object pixels, 12 background
    start = truth.copy()
    start[0, 2] = True  # wrong at the start: not counted whatever happens to it
    end = start.copy()
    end[:, 0] = False  # 4 correct object pixels lost
    end[0, 2] = False  # the start's mistake fixed
    assert metrics.destroyed_fraction(truth, start, end) == pytest.approx(4 / 19)
    assert metrics.destroyed_fraction(truth, start, start) == 0.0
    ignore = np.zeros_like(truth)
    ignore[:, 0] = True
    assert metrics.destroyed_fraction(truth, start, end, ignore) == 0.0
