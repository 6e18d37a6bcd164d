"""Target crop: the engine runs on the object's region grown 1.4 times; the rest is kept."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.engines.grabcut import GrabCutEngine
from inference.evaluation.metrics import iou
from inference.pipelines.crop import TargetCrop
from inference.prompts import Click, Prompts
from inference.synthetic import make_scene
from tests.inference.pipelines.robot import robot_mask


@dataclass(frozen=True)
class Sized:
    width: int
    height: int
    nbytes: int = 0


class Recording:
    """Answers 'everything is foreground' and records the sizes it was asked to prepare."""

    name = "recording"

    def __init__(self) -> None:
        self.prepared: list[tuple[int, int]] = []

    def prepare(self, image: np.ndarray) -> Sized:
        self.prepared.append(image.shape[:2])
        return Sized(width=image.shape[1], height=image.shape[0])

    def predict(self, prepared: Sized, prompts: Prompts, previous: np.ndarray | None) -> np.ndarray:
        return np.ones((prepared.height, prepared.width), dtype=np.float32)


def test_the_engine_sees_the_grown_box_of_the_mask_and_the_click_and_nothing_else_changes() -> None:
    engine = Recording()
    crop = TargetCrop(engine)  # type: ignore[arg-type]
    prepared = crop.prepare(np.zeros((200, 300, 3), dtype=np.uint8))
    previous = np.zeros((200, 300), dtype=bool)
    previous[50:100, 100:150] = True  # 50 x 50
    click = Click(x=159.0, y=60.0, positive=True)  # widens the box to 60 columns
    out = crop.predict(prepared, Prompts(clicks=(click,)), previous) >= 0.5
    # 60 x 50 grown 1.4 times about its centre: 84 x 70.
    assert engine.prepared[-1] == (70, 84)
    rows, cols = np.flatnonzero(out.any(axis=1)), np.flatnonzero(out.any(axis=0))
    assert (rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) == (70, 84)
    assert out.sum() == 70 * 84


def test_while_the_mask_is_empty_the_whole_image_is_used() -> None:
    engine = Recording()
    crop = TargetCrop(engine)  # type: ignore[arg-type]
    prepared = crop.prepare(np.zeros((200, 300, 3), dtype=np.uint8))
    out = crop.predict(prepared, Prompts(clicks=(Click(10, 10, True),)), None)
    assert engine.prepared == [(200, 300)] and out.shape == (200, 300)


def test_target_crop_around_grabcut_segments_an_object() -> None:
    scene = make_scene(640, 480, objects=1, seed=11)
    engine = TargetCrop(GrabCutEngine())
    assert iou(scene.masks[0], robot_mask(engine, scene.image, scene.masks[0], clicks=5)) >= 0.9
