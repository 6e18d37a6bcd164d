"""FocusCut's focus view: Algorithm 2 on hand-made predictions, Algorithm 3's stopping rule,
and the view around GrabCut on a synthetic image."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from inference.engines import build_engine, predict_stages
from inference.engines.grabcut import GrabCutEngine
from inference.evaluation.clicker import next_click
from inference.evaluation.metrics import iou
from inference.pipelines import wrap_engine
from inference.pipelines.focus import FocusView, focus_scope
from inference.prompts import Click, Prompts
from inference.synthetic import make_scene
from tests.inference.pipelines.robot import robot_mask


def square(shape: tuple[int, int], y0: int, x0: int, y1: int, x1: int) -> np.ndarray:
    mask = np.zeros(shape, dtype=bool)
    mask[y0:y1, x0:x1] = True
    return mask


def test_a_small_change_at_the_click_is_focused_with_the_relaxed_reach_of_that_change() -> None:
    previous = square((100, 100), 10, 10, 90, 90)
    current = previous | square((100, 100), 40, 90, 46, 96)  # a 6x6 bump grows at the right edge
    scope = focus_scope(previous, current, Click(x=90, y=42, positive=True))
    # The change (rows 40-45, cols 90-95) reaches 5 columns and 3 rows from the click: r = 1.75 * 5.
    assert scope.focus and scope.radius == pytest.approx(1.75 * 5)


def test_a_large_change_is_not_focused() -> None:
    previous = square((100, 100), 10, 10, 30, 30)
    current = square((100, 100), 10, 10, 90, 90)
    scope = focus_scope(previous, current, Click(x=60, y=60, positive=True))
    assert not scope.focus


def test_a_click_that_changed_nothing_is_focused_on_its_distance_to_the_boundary() -> None:
    previous = square((100, 100), 10, 10, 90, 90)
    # A positive click inside the foreground, 5 rows below its top edge and far from the others.
    scope = focus_scope(previous, previous.copy(), Click(x=50, y=15, positive=True))
    # The nearest background pixel is row 9: Chebyshev distance 6.
    assert scope.focus and scope.radius == pytest.approx(1.75 * 6)


class Counting:
    """An engine whose patch predictions always add a ring: Algorithm 3 must stop after T turns;
    one that returns its input unchanged must stop after one."""

    name = "counting"

    def __init__(self, inner: GrabCutEngine, changes: bool) -> None:
        self.inner, self.changes, self.patch_calls = inner, changes, 0

    def prepare(self, image: np.ndarray) -> object:
        return self.inner.prepare(image)

    def predict(self, prepared: object, prompts: Prompts, previous: np.ndarray | None) -> np.ndarray:
        if previous is None or prepared.width == 200:  # type: ignore[attr-defined]
            return self.inner.predict(prepared, prompts, previous)  # type: ignore[arg-type]
        self.patch_calls += 1
        out = previous.astype(np.float32)
        if self.changes:
            out[:] = 1.0 - out  # everything flips: the change never erodes away
        return out


@pytest.mark.parametrize(("changes", "turns"), [(False, 1), (True, 3)])
def test_the_progressive_strategy_stops_when_the_change_erodes_to_nothing(changes: bool, turns: int) -> None:
    scene = make_scene(200, 150, objects=1, seed=4)
    engine = Counting(GrabCutEngine(), changes)
    focus = FocusView(engine)  # type: ignore[arg-type]
    prepared = focus.prepare(scene.image)
    truth = scene.masks[0]
    first = next_click(truth, np.zeros_like(truth))
    assert first is not None
    previous = focus.predict(prepared, Prompts(clicks=(first,)), None) >= 0.5
    ys, xs = np.nonzero(previous)
    inside = Click(x=float(xs.mean()), y=float(ys.mean()), positive=True)  # changes nothing: always focus
    focus.predict(prepared, Prompts(clicks=(first, inside)), previous)
    assert engine.patch_calls == turns


@pytest.mark.parametrize("pipeline", ["focus", "focus_fast"])
def test_the_focus_view_around_grabcut_segments_a_small_object(pipeline: str) -> None:
    scene = make_scene(480, 360, objects=1, seed=9)
    engine = wrap_engine(pipeline, GrabCutEngine())
    assert iou(scene.masks[0], robot_mask(engine, scene.image, scene.masks[0], clicks=5)) >= 0.9


def test_the_focus_view_answers_in_two_stages_when_it_focuses() -> None:
    scene = make_scene(240, 180, objects=2, seed=7)
    truth = scene.masks[0]
    engine = wrap_engine("focus+merge", build_engine("grabcut"))
    prepared = engine.prepare(scene.image)
    first = next_click(truth, np.zeros_like(truth))
    assert first is not None
    prompts = Prompts(clicks=(first,))
    assert len(list(predict_stages(engine, prepared, prompts, None))) == 1  # nothing to focus on yet
    mask = engine.predict(prepared, prompts, None) >= 0.5
    depth = cv2.distanceTransform(truth.astype(np.uint8), cv2.DIST_L2, 3)
    ys, xs = np.nonzero(np.abs(depth - 2.0) < 0.5)
    near_edge = prompts.with_click(Click(float(xs[0]), float(ys[0]), False))
    stages = list(predict_stages(engine, prepared, near_edge, mask))
    assert len(stages) == 2
    assert np.array_equal(stages[-1], engine.predict(prepared, near_edge, mask))
