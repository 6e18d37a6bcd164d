"""How far a point is from a mask's edge."""

from __future__ import annotations

import numpy as np

from inference.masks.edges import edge_distance


def square() -> np.ndarray:
    mask = np.zeros((50, 50), dtype=bool)
    mask[10:30, 10:30] = True
    return mask


def test_inside_and_outside_points_measure_to_the_nearest_pixel_across_the_edge() -> None:
    mask = square()
    assert edge_distance(mask, 12, 20, limit=10) == 3.0  # pixel 12 is inside, 9 is the first outside
    assert edge_distance(mask, 33, 20, limit=10) == 4.0  # pixel 33 is outside, 29 the last inside
    assert edge_distance(mask, 32, 32, limit=10) == np.hypot(3, 3)  # to the corner pixel (29, 29)


def test_the_search_stops_at_the_limit() -> None:
    mask = square()
    assert edge_distance(mask, 20, 20, limit=5) == 5.0  # the edge is 10 px away
    assert edge_distance(np.zeros((10, 10), dtype=bool), 5, 5, limit=3) == 3.0  # no edge at all


def test_a_point_off_the_image_is_measured_from_the_nearest_border_pixel() -> None:
    mask = square()
    assert edge_distance(mask, -4, 20, limit=20) == edge_distance(mask, 0, 20, limit=20) == 10.0
