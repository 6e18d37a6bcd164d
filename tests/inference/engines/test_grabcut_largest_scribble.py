"""The largest scribble the socket takes (2,000 points, 512 px thick) still gives GrabCut a mask."""

from __future__ import annotations

import numpy as np
import pytest

from inference.engines import build_engine
from inference.engines.geodesic import GeodesicField
from inference.prompts import Click, Prompts, Scribble
from inference.synthetic import make_scene

# The protocol's largest stroke: MASKLOOP_SOCKET_STROKE_POINTS points, STROKE_SIZES' thickest.
POINTS = 2000
THICKNESS = 512.0


def largest_scribble(width: int, height: int) -> Scribble:
    points = tuple((float(i % width), float(i * 7 % height)) for i in range(POINTS))
    return Scribble(points=points, thickness=THICKNESS, positive=True)


@pytest.mark.parametrize("after_a_click", [False, True])
def test_a_scribble_covering_the_whole_image_makes_it_all_the_object(after_a_click: bool) -> None:
    scene = make_scene(160, 120, objects=1, seed=2)
    engine = build_engine("grabcut")
    prepared = engine.prepare(scene.image)
    previous = None
    if after_a_click:
        ys, xs = scene.masks[0].nonzero()
        click = Click(x=float(xs.mean()), y=float(ys.mean()), positive=True)
        previous = engine.predict(prepared, Prompts(clicks=(click,)), None) >= 0.5
    prompts = Prompts(scribbles=(largest_scribble(160, 120),))
    probability = engine.predict(prepared, prompts, previous)
    assert probability.shape == (120, 160)
    assert (probability >= 0.5).all()


def test_seeds_covering_the_whole_image_are_all_at_distance_zero() -> None:
    scene = make_scene(64, 48, objects=1, seed=1)
    field = GeodesicField(scene.image, weight=10.0, max_side=32)
    distances = field.distance(np.ones((48, 64), dtype=bool))
    assert distances.shape == (48, 64) and not distances.any()
