"""The GrabCut engine: robot clicks on synthetic scenes reach a good mask quickly."""

from __future__ import annotations

import numpy as np
import pytest

from inference.engines import build_engine
from inference.engines.grabcut import GrabCutEngine
from inference.evaluation.clicker import next_click
from inference.evaluation.metrics import iou
from inference.prompts import Box, Click, Prompts
from inference.synthetic import make_scene


def robot_session(engine: GrabCutEngine, image: np.ndarray, truth: np.ndarray, clicks: int) -> list[float]:
    prepared = engine.prepare(image)
    prompts = Prompts()
    prediction = np.zeros_like(truth)
    ious = []
    for _ in range(clicks):
        click = next_click(truth, prediction)
        if click is None:
            break
        prompts = prompts.with_click(click)
        probability = engine.predict(prepared, prompts, prediction if prediction.any() else None)
        prediction = probability >= 0.5
        ious.append(iou(truth, prediction))
    return ious


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_robot_reaches_iou_090_within_three_clicks(seed: int) -> None:
    scene = make_scene(200, 150, objects=2, seed=seed)
    engine = GrabCutEngine()
    for truth in scene.masks:
        assert max(robot_session(engine, scene.image, truth, clicks=3)) >= 0.9


def test_large_image_is_segmented_on_a_downscaled_copy_and_answered_at_full_size() -> None:
    scene = make_scene(900, 600, objects=1, seed=4)
    engine = GrabCutEngine(max_side=200)
    prepared = engine.prepare(scene.image)
    assert max(prepared.small.shape[:2]) == 200
    click = next_click(scene.masks[0], np.zeros_like(scene.masks[0]))
    assert click is not None
    probability = engine.predict(prepared, Prompts(clicks=(click,)), None)
    assert probability.shape == (600, 900)
    assert probability.dtype == np.float32
    assert 0.0 <= float(probability.min()) and float(probability.max()) <= 1.0
    assert iou(scene.masks[0], probability >= 0.5) >= 0.9


def test_negative_click_removes_the_region_it_lands_on() -> None:
    scene = make_scene(240, 120, objects=2, seed=7)
    both = scene.masks[0] | scene.masks[1]
    engine = GrabCutEngine()
    prepared = engine.prepare(scene.image)
    first = next_click(scene.masks[0], np.zeros_like(both))
    assert first is not None
    # Pretend the previous mask covered both objects; a negative click in the second removes it.
    second = next_click(scene.masks[0], both)
    assert second is not None and not second.positive
    prompts = Prompts(clicks=(first, second))
    prediction = engine.predict(prepared, prompts, both) >= 0.5
    assert iou(scene.masks[0], prediction) >= 0.85
    assert not prediction[int(second.y), int(second.x)]
    assert (prediction & scene.masks[1]).sum() < 0.1 * scene.masks[1].sum()


def test_a_previous_mask_in_column_major_order_is_accepted() -> None:
    scene = make_scene(160, 120, objects=1, seed=2)
    engine = GrabCutEngine()
    prepared = engine.prepare(scene.image)
    click = next_click(scene.masks[0], np.zeros_like(scene.masks[0]))
    assert click is not None
    previous = np.asfortranarray(scene.masks[0])
    prediction = engine.predict(prepared, Prompts(clicks=(click,)), previous) >= 0.5
    assert iou(scene.masks[0], prediction) >= 0.9


def test_box_prompt_segments_the_object_inside() -> None:
    scene = make_scene(200, 150, objects=1, seed=3)
    ys, xs = np.nonzero(scene.masks[0])
    box = Box(float(xs.min()) - 4, float(ys.min()) - 4, float(xs.max()) + 4, float(ys.max()) + 4)
    engine = GrabCutEngine()
    prediction = engine.predict(engine.prepare(scene.image), Prompts(box=box), None) >= 0.5
    assert iou(scene.masks[0], prediction) >= 0.85


def test_only_negative_clicks_and_no_mask_give_an_empty_prediction() -> None:
    scene = make_scene(120, 90, objects=1, seed=0)
    engine = build_engine("grabcut")
    probability = engine.predict(engine.prepare(scene.image), Prompts(clicks=(Click(3, 3, False),)), None)
    assert not (probability >= 0.5).any()


def test_registry_refuses_an_unknown_engine() -> None:
    with pytest.raises(ValueError, match="unknown engine"):
        build_engine("nonsense")


def test_prepare_refuses_a_grey_image() -> None:
    with pytest.raises(ValueError):
        GrabCutEngine().prepare(np.zeros((10, 10), dtype=np.uint8))
