"""SAM's 1024 frame: the scaled size and the coordinate round trip."""

from __future__ import annotations

import numpy as np

from inference.engines.sam.frame import SamFrame


def test_the_longer_side_becomes_1024_and_the_other_keeps_the_aspect() -> None:
    assert SamFrame(width=640, height=480).input_size == (768, 1024)
    assert SamFrame(width=333, height=500).input_size == (1024, 682)  # 333 * 2.048 = 681.98
    assert SamFrame(width=3000, height=1000).input_size == (341, 1024)


def test_image_corners_land_on_the_scaled_image_corners() -> None:
    frame = SamFrame(width=640, height=480)
    corners = frame.to_frame(np.array([[0.0, 0.0], [640.0, 480.0]]))
    assert corners.tolist() == [[0.0, 0.0], [1024.0, 768.0]]


def test_points_go_to_the_frame_and_back_exactly() -> None:
    rng = np.random.default_rng(3)
    for width, height in [(640, 480), (333, 500), (1, 1024), (4000, 3), (777, 777)]:
        frame = SamFrame(width=width, height=height)
        points = rng.uniform(0, 1, (200, 2)) * (width, height)
        back = frame.to_image(frame.to_frame(points))
        assert np.abs(back - points).max() < 1e-9
        assert (frame.to_frame(points) <= np.array(frame.input_size[::-1]) + 1e-9).all()


def test_a_box_maps_corner_by_corner() -> None:
    frame = SamFrame(width=500, height=250)
    assert frame.box_to_frame((10.0, 20.0, 110.0, 220.0)).tolist() == [20.48, 40.96, 225.28, 450.56]
