"""Every interaction form of the prompt model gives GrabCut what it needs for a good mask."""

from __future__ import annotations

import numpy as np
import pytest

from inference.engines import build_engine
from inference.evaluation.boxes import bounding_box
from inference.evaluation.clicker import next_click
from inference.evaluation.coarse import COARSE_LEVELS, coarse_mask
from inference.evaluation.metrics import iou
from inference.pipelines import wrap_engine
from inference.prompts import Click, Prompts, Scribble
from inference.synthetic import make_scene

SCENE = make_scene(200, 150, objects=2, seed=2)
TRUTH = SCENE.masks[0]


def inside(mask: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(mask)
    middle = np.argsort(ys)[len(ys) // 2]
    return float(xs[middle]), float(ys[middle])


def run(prompts: Prompts, previous: np.ndarray | None = None, pipeline: str = "plain") -> np.ndarray:
    engine = wrap_engine(pipeline, build_engine("grabcut"))
    return engine.predict(engine.prepare(SCENE.image), prompts, previous) >= 0.5


def test_a_positive_click() -> None:
    x, y = inside(TRUTH)
    assert iou(TRUTH, run(Prompts(clicks=(Click(x, y, True),)))) >= 0.85


def test_a_box_alone() -> None:
    assert iou(TRUTH, run(Prompts(box=bounding_box(TRUTH)))) >= 0.85


def test_positive_and_negative_scribbles() -> None:
    ys, xs = np.nonzero(TRUTH)
    row = int(np.median(ys))
    cols = xs[ys == row]
    stroke = Scribble(((float(cols.min() + 3), row), (float(cols.max() - 3), row)), 3.0, True)
    other = SCENE.masks[1]
    away = Scribble((inside(other), (inside(other)[0], inside(other)[1] + 5)), 3.0, False)
    mask = run(Prompts(scribbles=(stroke, away)))
    assert iou(TRUTH, mask) >= 0.85 and not (mask & other).any()


@pytest.mark.parametrize("level", [1, 3, 5])
def test_a_coarse_mask_alone_is_refined_towards_the_object(level: int) -> None:
    coarse = coarse_mask(TRUTH, COARSE_LEVELS[level - 1], np.random.default_rng(level))
    assert iou(TRUTH, run(Prompts(), coarse)) > iou(TRUTH, coarse) + 0.05


@pytest.mark.parametrize("level", [1, 3, 5])
def test_a_coarse_mask_and_the_robots_click_with_progressive_merge(level: int) -> None:
    coarse = coarse_mask(TRUTH, COARSE_LEVELS[level - 1], np.random.default_rng(level))
    click = next_click(TRUTH, coarse)
    assert click is not None
    merged = run(Prompts(clicks=(click,), from_mask=True), coarse, pipeline="merge")
    assert iou(TRUTH, merged) > iou(TRUTH, coarse) + 0.05
