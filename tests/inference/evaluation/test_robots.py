"""Robot users against hand-made cases: standard clicker, Pi-SAM sampler, scribbles, boxes."""

from __future__ import annotations

import numpy as np
import pytest

from inference.evaluation import boxes, pisam, scribbles
from inference.evaluation.clicker import next_click
from inference.masks.strokes import scribble_mask
from inference.prompts import Click


def test_a_known_error_blob_gets_its_click_at_the_blobs_centre() -> None:
    truth = np.zeros((100, 100), dtype=bool)
    truth[10:90, 10:90] = True
    prediction = truth.copy()
    prediction[50:71, 20:41] = False  # a 21x21 hole centred at (x=30, y=60)
    click = next_click(truth, prediction)
    assert click == Click(x=30.0, y=60.0, positive=True)


def test_the_clicker_does_not_click_the_same_pixel_twice() -> None:
    truth = np.zeros((40, 40), dtype=bool)
    truth[10:31, 10:31] = True
    first = next_click(truth, np.zeros_like(truth))
    assert first is not None
    second = next_click(truth, np.zeros_like(truth), clicked=[first])
    assert second is not None and second.positive
    assert (second.x, second.y) != (first.x, first.y)


@pytest.mark.parametrize(
    ("area", "points"),
    [(9, 1), (100, 1), (399, 1), (400, 2), (2500, 5), (10_000, 10), (1_000_000, 10)],
)
def test_algorithm_2_points_per_region(area: int, points: int) -> None:
    assert pisam.points_per_region(area) == points


def test_algorithm_2_drops_regions_of_eight_pixels_or_fewer() -> None:
    truth = np.zeros((60, 60), dtype=bool)
    truth[2:4, 2:6] = True  # an 8-pixel false negative: dropped
    truth[30:50, 30:50] = True  # a 400-pixel false negative: two points
    clicks = pisam.simulate_clicks(truth, np.zeros_like(truth), np.random.default_rng(0), max_points=10)
    assert len(clicks) == 2
    assert all(c.positive and 30 <= c.x < 50 and 30 <= c.y < 50 for c in clicks)
    nine = truth.copy()
    nine[2, 6] = True  # now 9 pixels: kept, one point
    assert len(pisam.simulate_clicks(nine, np.zeros_like(nine), np.random.default_rng(0), 10)) == 3


def test_algorithm_2_avoids_the_boundary_band_labels_by_error_type_and_keeps_m() -> None:
    truth = np.zeros((120, 120), dtype=bool)
    truth[10:60, 10:60] = True
    prediction = np.zeros_like(truth)
    prediction[70:110, 70:110] = True  # a false positive square
    clicks = pisam.simulate_clicks(truth, prediction, np.random.default_rng(3), max_points=100)
    assert len(clicks) == 5 + 4  # sqrt(2500)/10 and sqrt(1600)/10
    for click in clicks:
        source = truth if click.positive else prediction
        assert source[int(click.y), int(click.x)]
        edge = (10, 59) if click.positive else (70, 109)
        assert min(abs(click.x - e) for e in edge) > 2 and min(abs(click.y - e) for e in edge) > 2
    assert len(pisam.simulate_clicks(truth, prediction, np.random.default_rng(3), max_points=3)) == 3
    again = pisam.simulate_clicks(truth, prediction, np.random.default_rng(3), max_points=100)
    assert again == clicks


def test_algorithm_1_ranks_images_by_errors_all_models_share() -> None:
    truths = [np.zeros((10, 10), dtype=bool) for _ in range(3)]
    model_a = [t.copy() for t in truths]
    model_b = [t.copy() for t in truths]
    model_a[0][:5] = True  # 50 px error, but model b is right there
    model_a[1][:2] = True
    model_b[1][:3] = True  # 20 px shared
    model_a[2][:1] = True
    model_b[2][:1] = True  # 10 px shared
    assert pisam.select_hard_images(truths, [model_a, model_b], top_k=2) == [1, 2]


def test_a_scribble_lies_inside_its_error_region() -> None:
    truth = np.zeros((160, 240), dtype=bool)
    yy, xx = np.mgrid[0:160, 0:240]
    truth[((xx - 120) / 100) ** 2 + ((yy - 80) / 50) ** 2 <= 1] = True
    prediction = truth & (xx < 100)  # the right part of the ellipse is missing
    scribble = scribbles.next_scribble(truth, prediction)
    assert scribble is not None and scribble.positive
    assert 3 <= scribble.thickness <= 7
    drawn = scribble_mask(scribble, 160, 240)
    error = truth & ~prediction
    assert drawn.sum() > 100
    assert not (drawn & ~error).any()
    assert scribbles.next_scribble(truth, prediction) == scribble  # deterministic


def test_a_false_positive_region_gets_a_negative_scribble() -> None:
    truth = np.zeros((80, 80), dtype=bool)
    truth[10:30, 10:30] = True
    prediction = truth.copy()
    prediction[40:75, 20:70] = True
    scribble = scribbles.next_scribble(truth, prediction)
    assert scribble is not None and not scribble.positive
    drawn = scribble_mask(scribble, 80, 80)
    assert not (drawn & ~(prediction & ~truth)).any()
    assert scribbles.next_scribble(truth, truth.copy()) is None


def test_the_box_robot_gives_the_tight_box_and_jitters_within_bounds() -> None:
    truth = np.zeros((100, 100), dtype=bool)
    truth[20:60, 30:50] = True
    box = boxes.bounding_box(truth)
    assert (box.x0, box.y0, box.x1, box.y1) == (30.0, 20.0, 50.0, 60.0)
    rng = np.random.default_rng(1)
    for _ in range(50):
        jittered = boxes.jittered_box(truth, rng, size_jitter=0.2, shift_jitter=0.1)
        width, height = jittered.x1 - jittered.x0, jittered.y1 - jittered.y0
        assert 20 * 0.8 - 1e-6 <= width <= 20 * 1.2 + 1e-6
        assert 40 * 0.8 - 1e-6 <= height <= 40 * 1.2 + 1e-6
        assert abs((jittered.x0 + jittered.x1) / 2 - 40) <= 0.1 * 20 + 1e-6
