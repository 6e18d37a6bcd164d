"""Every interaction form reaches SAM's prompt encoder as the seed says (tiny random SAM):
a box as a box, a scribble as labelled points along it, a coarse mask as the mask prompt
followed by progressive merge."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest
import torch

from inference.engines.sam.engine import SamEngine
from inference.engines.sam.frame import SamFrame
from inference.pipelines import wrap_engine
from inference.prompts import Box, Click, Prompts, Scribble


@pytest.fixture
def seen(engine: SamEngine, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The arguments of every call to the prompt encoder."""
    encoder = engine.model.prompt_encoder
    calls: list[dict[str, Any]] = []
    original = encoder.forward

    def spy(points: Any, boxes: Any, masks: Any) -> Any:
        calls.append({"points": points, "boxes": boxes, "masks": masks})
        return original(points=points, boxes=boxes, masks=masks)

    monkeypatch.setattr(encoder, "forward", spy)
    return calls


def test_a_box_goes_in_as_the_box_prompt(engine: SamEngine, picture: np.ndarray, seen: list) -> None:
    box = Box(x0=120, y0=80, x1=300, y1=200)
    mask = engine.predict(engine.prepare(picture), Prompts(box=box), None)
    assert mask.shape == (300, 400)
    expected = SamFrame(width=400, height=300, target=engine.model.image_encoder.img_size).box_to_frame(
        (120, 80, 300, 200)
    )
    [call] = seen
    assert call["points"] is None and call["masks"] is None
    assert torch.allclose(call["boxes"][0], torch.as_tensor(expected, dtype=torch.float32))


def test_scribbles_go_in_as_points_along_them_with_their_ink(
    engine: SamEngine, picture: np.ndarray, seen: list
) -> None:
    positive = Scribble(points=((130.0, 100.0), (290.0, 100.0)), thickness=5.0, positive=True)
    negative = Scribble(points=((20.0, 250.0), (60.0, 250.0)), thickness=5.0, positive=False)
    engine.predict(engine.prepare(picture), Prompts(scribbles=(positive, negative)), None)
    [call] = seen
    points, labels = call["points"]
    frame = SamFrame(width=400, height=300, target=engine.model.image_encoder.img_size)
    image_points = frame.to_image(points[0].numpy())
    on_positive = np.isclose(image_points[:, 1], 100.0, atol=1e-3)
    assert on_positive.sum() >= 3 and (~on_positive).sum() >= 2
    ink = labels[0].numpy()
    assert (ink[on_positive] == 1).all() and (ink[~on_positive] == 0).all()
    xs = image_points[on_positive, 0]
    assert xs.min() == pytest.approx(130.0) and xs.max() == pytest.approx(290.0)


def test_a_coarse_mask_is_the_mask_prompt_and_merge_keeps_the_rest(
    engine: SamEngine, picture: np.ndarray, seen: list
) -> None:
    coarse = np.zeros((300, 400), dtype=bool)
    coarse[80:200, 120:220] = True  # the left part of the red rectangle
    merged_engine = wrap_engine("merge", engine)
    prepared = merged_engine.prepare(picture)
    prompts = Prompts(clicks=(Click(x=260, y=140, positive=True),), from_mask=True)
    merged = merged_engine.predict(prepared, prompts, coarse) >= 0.5
    [call] = seen
    size = tuple(engine.model.prompt_encoder.mask_input_size)
    assert call["masks"] is not None and tuple(call["masks"].shape) == (1, 1, *size)
    drawn = call["masks"][0, 0].numpy() > 0  # the coarse mask, drawn as logits in SAM's frame
    assert drawn.any() and not drawn.all()
    plain = engine.predict(prepared, prompts, coarse) >= 0.5
    changed = merged != coarse
    assert changed.sum() <= (plain != coarse).sum()
    if changed.any():  # only the region holding the click may differ from the coarse mask
        count, regions = cv2.connectedComponents(changed.astype(np.uint8), connectivity=8)
        assert count == 2 and regions[140, 260] == 1
