"""Masks as polygons: outer boundaries per part, holes counted, and what the polygons keep."""

from __future__ import annotations

import numpy as np

from inference.masks import polygons


def disc(size: int, cx: float, cy: float, r: float) -> np.ndarray:
    ys, xs = np.mgrid[0:size, 0:size]
    return (xs - cx) ** 2 + (ys - cy) ** 2 <= r**2


def test_a_solid_object_is_one_polygon_that_keeps_it() -> None:
    mask = disc(64, 30, 28, 15)
    shape = polygons.outline(mask, tolerance=0.25)
    assert len(shape.parts) == 1 and shape.holes == 0
    assert shape.iou > 0.999


def test_parts_are_separate_polygons_and_holes_are_counted_not_drawn() -> None:
    mask = disc(80, 20, 20, 10) | disc(80, 60, 60, 12)
    ring = disc(80, 20, 20, 10) & ~disc(80, 20, 20, 4)
    two = polygons.outline(mask)
    assert len(two.parts) == 2 and two.holes == 0 and two.iou > 0.999
    holed = polygons.outline(ring)
    assert len(holed.parts) == 1 and holed.holes == 1
    assert holed.iou < 0.9  # the hole is filled when rasterised


def test_coordinates_are_cocos_pixel_squares() -> None:
    mask = np.zeros((10, 10), dtype=bool)
    mask[2:5, 3:7] = True  # rows 2-4, columns 3-6
    (part,) = polygons.trace(mask)[0]
    xs, ys = part[0::2], part[1::2]
    assert (min(xs), max(xs), min(ys), max(ys)) == (3.0, 7.0, 2.0, 5.0)  # the pixels' outer edges
    assert np.array_equal(polygons.rasterise([part], 10, 10), mask)


def test_objects_at_the_edges_keep_what_the_whole_image_says() -> None:
    """Tracing works on the object's box: its polygons and IoU are the whole image's, also where
    the object touches the image's border, and an empty mask has no polygon."""
    rng = np.random.default_rng(3)
    for cx, cy in ((0, 0), (63, 5), (31, 63), (40, 40)):
        mask = disc(64, cx, cy, 9) & (rng.random((64, 64)) > 0.05)
        shape = polygons.outline(mask, tolerance=0.25)
        whole = polygons.iou(polygons.rasterise(shape.parts, 64, 64), mask)
        assert shape.iou == whole
        assert shape.parts == polygons.trace(mask, tolerance=0.25)[0]
        xs = np.asarray([v for p in shape.parts for v in p[0::2]])
        assert xs.min() >= 0 and xs.max() <= 64
    empty = polygons.outline(np.zeros((8, 8), dtype=bool))
    assert empty.parts == [] and empty.iou == 1.0
