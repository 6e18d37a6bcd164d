"""What each measured GrabCut refinement does: geodesic prior, target window, local update."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from inference.engines.geodesic import GeodesicField
from inference.engines.grabcut import GrabCutEngine
from inference.evaluation.metrics import boundary_iou, iou
from inference.prompts import Click, Prompts
from inference.synthetic import textured_background


def two_squares(gap_colour: int) -> np.ndarray:
    """Two identical light squares on the left and right, split by a vertical band."""
    image = np.full((60, 120, 3), 200, dtype=np.uint8)
    image[:, 55:65] = gap_colour
    return image


def test_geodesic_distance_grows_across_an_edge() -> None:
    seeds = np.zeros((60, 120), dtype=bool)
    seeds[30, 40] = True
    flat = GeodesicField(two_squares(200), weight=10.0, max_side=200).distance(seeds)
    edged = GeodesicField(two_squares(20), weight=10.0, max_side=200).distance(seeds)
    assert flat[30, 80] == np.float32(flat[30, 80])  # finite
    assert flat[30, 80] < 45.0  # about the Euclidean 40 px on a flat image
    assert edged[30, 80] > 1.5 * flat[30, 80]  # crossing the dark band costs much more
    assert abs(edged[30, 20] - flat[30, 20]) < 1.0  # on the seed's own side nothing changes


def scene_with_twin_objects() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    image = textured_background(400, 300, rng)
    left = np.zeros((300, 400), dtype=bool)
    left[100:160, 40:110] = True
    right = np.zeros_like(left)
    right[100:160, 290:360] = True
    image[left | right] = (230, 40, 40)
    return image, left, right


def test_the_geodesic_prior_keeps_a_same_coloured_twin_out() -> None:
    image, left, right = scene_with_twin_objects()
    prompts = Prompts(clicks=(Click(x=75, y=130, positive=True),))
    engine = GrabCutEngine(geodesic=10.0, certainty=2.0)
    mask = engine.predict(engine.prepare(image), prompts, None) >= 0.5
    assert iou(left, mask) >= 0.85
    assert (mask & right).sum() < 0.05 * right.sum()


def test_the_window_leaves_everything_far_from_the_object_untouched() -> None:
    image, left, right = scene_with_twin_objects()
    engine = GrabCutEngine(context=0.4)
    prompts = Prompts(clicks=(Click(x=75, y=130, positive=True),))
    probability = engine.predict(engine.prepare(image), prompts, left)
    assert iou(left, probability >= 0.5) >= 0.85
    assert float(probability[:, 200:].max()) == 0.0  # the window ends well before the twin


def test_a_local_update_only_changes_the_region_of_the_latest_click() -> None:
    image, left, right = scene_with_twin_objects()
    previous = left.copy()
    previous[100:160, 80:110] = False  # the right part of the object is missing
    stray = np.zeros_like(left)
    stray[250:270, 150:170] = True  # a wrong blob on the background, far away
    previous |= stray
    prompts = Prompts(clicks=(Click(x=75, y=130, positive=True), Click(x=95, y=130, positive=True)))
    local = GrabCutEngine(local_update=True)
    free = GrabCutEngine(local_update=False)
    local_mask = local.predict(local.prepare(image), prompts, previous) >= 0.5
    free_mask = free.predict(free.prepare(image), prompts, previous) >= 0.5
    assert (free_mask & stray).sum() < stray.sum()  # a free graph cut drops the distant blob
    assert (local_mask & stray).sum() == stray.sum()  # the local update leaves it for its own click
    assert (local_mask & left)[100:160, 80:110].mean() > 0.9  # and fills the clicked part


def test_refining_the_first_click_in_its_window_cuts_a_small_object_cleanly() -> None:
    image = textured_background(640, 480, np.random.default_rng(0))
    small = np.zeros((480, 640), dtype=np.uint8)
    cv2.ellipse(small, (300, 200), (9, 5), 30, 0, 360, 1, -1)
    truth = small > 0
    image[truth] = (230, 40, 40)
    prompts = Prompts(clicks=(Click(x=300, y=200, positive=True),))
    masks = {}
    for refine in (False, True):
        engine = GrabCutEngine(refine_first=refine)
        masks[refine] = engine.predict(engine.prepare(image), prompts, None) >= 0.5
    assert iou(truth, masks[True]) >= 0.95  # cut again at full resolution around the first result
    assert iou(truth, masks[False]) < 0.8  # the whole image at 320 px blurs a 19 x 11 px object


def red_square_with_a_band() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A red square on texture, and a previous mask that overshoots it by a 2 px band."""
    image = textured_background(120, 120, np.random.default_rng(3))
    square = np.zeros((120, 120), dtype=bool)
    square[40:80, 40:80] = True
    image[square] = (230, 40, 40)
    kernel = np.ones((5, 5), dtype=np.uint8)
    overshoot = cv2.dilate(square.astype(np.uint8), kernel).astype(bool)
    return image, square, overshoot


def test_a_click_in_a_thin_band_of_error_leaves_the_pixels_beyond_the_band_alone() -> None:
    image, square, overshoot = red_square_with_a_band()
    prompts = Prompts(clicks=(Click(x=60, y=60, positive=True), Click(x=60, y=81, positive=False)))
    fitted = GrabCutEngine(fit_clicks=True)
    mask = fitted.predict(fitted.prepare(image), prompts, overshoot) >= 0.5
    assert mask[79, 57:64].all()  # the square's own edge row, next to the click, stays
    assert not mask[81, 57:64].any()  # the band the click lands on goes
    unfitted = GrabCutEngine(fit_clicks=False)
    blunt = unfitted.predict(unfitted.prepare(image), prompts, overshoot) >= 0.5
    assert not blunt[79, 60]  # a fixed 2 px disk reaches across the band into the square


def test_smoothing_the_cut_gives_a_truer_edge_on_a_downscaled_image() -> None:
    image = textured_background(1200, 900, np.random.default_rng(0))
    disk = np.zeros((900, 1200), dtype=np.uint8)
    cv2.circle(disk, (600, 450), 300, 1, -1)
    image[disk.astype(bool)] = (230, 40, 40)
    prompts = Prompts(clicks=(Click(x=600, y=450, positive=True),))
    edges = {}
    for smooth in (None, 1.2):
        engine = GrabCutEngine(smooth=smooth)
        mask = engine.predict(engine.prepare(image), prompts, None) >= 0.5
        edges[smooth] = boundary_iou(disk.astype(bool), mask)
    assert edges[1.2] > edges[None] + 0.005


def test_enlarging_small_windows_still_answers_the_object_at_full_size() -> None:
    image, square, _ = red_square_with_a_band()
    overshoot = square.copy()
    overshoot[80:82, 40:80] = True  # a 2 px band below the square
    prompts = Prompts(clicks=(Click(x=60, y=60, positive=True), Click(x=60, y=81, positive=False)))
    engine = GrabCutEngine(upscale=2.0)
    probability = engine.predict(engine.prepare(image), prompts, overshoot)
    assert probability.shape == square.shape
    assert iou(square, probability >= 0.5) >= 0.9


def test_a_window_cannot_be_shrunk_by_upscale() -> None:
    with pytest.raises(ValueError, match="upscale must be >= 1"):
        GrabCutEngine(upscale=0.5)
