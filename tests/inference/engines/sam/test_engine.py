"""SamEngine with a tiny random SAM: shapes, the best of three, prompts of every kind."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from inference.engines.sam.engine import SamEngine, scribble_points
from inference.engines.sam.image import SamImage
from inference.prompts import Box, Click, Prompts, Scribble


def test_prepare_runs_the_encoder_once_and_clicks_reuse_it(engine: SamEngine, picture: np.ndarray) -> None:
    prepared = engine.prepare(picture)
    assert (prepared.width, prepared.height) == (400, 300)
    assert prepared.embedding.shape == (1, 32, 16, 16)
    prompts = Prompts()
    mask = None
    for x in (150, 200, 250):
        prompts = prompts.with_click(Click(x=x, y=120, positive=True))
        mask = engine.predict(prepared, prompts, mask) >= 0.5
    assert engine.encoder_runs == 1


def test_output_is_a_full_resolution_probability_map(engine: SamEngine, picture: np.ndarray) -> None:
    prepared = engine.prepare(picture)
    probability = engine.predict(prepared, Prompts(clicks=(Click(x=10.5, y=299.9, positive=True),)), None)
    assert probability.shape == (300, 400)
    assert probability.dtype == np.float32
    assert 0.0 <= probability.min() <= probability.max() <= 1.0


def test_first_click_offers_three_masks_and_answers_with_the_best(
    engine: SamEngine, picture: np.ndarray
) -> None:
    prepared = engine.prepare(picture)
    first = Prompts(clicks=(Click(x=200, y=140, positive=True),))
    candidates = engine.predict_candidates(prepared, first, None)
    assert len(candidates) == 3
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert np.array_equal(engine.predict(prepared, first, None), candidates[0].probability)
    later = first.with_click(Click(x=20, y=20, positive=False))
    assert len(engine.predict_candidates(prepared, later, candidates[0].probability >= 0.5)) == 1


def test_the_previous_mask_steers_the_next_step(engine: SamEngine, picture: np.ndarray) -> None:
    prepared = engine.prepare(picture)
    prompts = Prompts(clicks=(Click(x=200, y=140, positive=True), Click(x=20, y=20, positive=False)))
    drawn = np.zeros((300, 400), dtype=bool)
    drawn[80:200, 120:300] = True
    with_mask = engine.predict(prepared, prompts, drawn)
    without = engine.predict(prepared, prompts, None)
    assert not np.array_equal(with_mask, without)


def test_box_only_and_scribble_prompts_are_accepted(engine: SamEngine, picture: np.ndarray) -> None:
    prepared = engine.prepare(picture)
    boxed = engine.predict_candidates(prepared, Prompts(box=Box(x0=120, y0=80, x1=300, y1=200)), None)
    assert len(boxed) == 1
    stroke = Scribble(points=((130.0, 100.0), (290.0, 190.0)), thickness=5.0, positive=True)
    scribbled = engine.predict(prepared, Prompts(scribbles=(stroke,)), None)
    assert scribbled.shape == (300, 400)


def test_nothing_to_go_on_is_an_empty_mask(engine: SamEngine, picture: np.ndarray) -> None:
    probability = engine.predict(engine.prepare(picture), Prompts(), None)
    assert probability.shape == (300, 400)
    assert not probability.any()


def test_scribble_points_are_spread_along_the_stroke() -> None:
    stroke = Scribble(points=((0.0, 0.0), (100.0, 0.0), (100.0, 100.0)), thickness=4.0, positive=False)
    points = scribble_points(stroke)
    assert len(points) == 8
    assert points[0].tolist() == [0.0, 0.0]
    assert points[-1].tolist() == [100.0, 100.0]
    steps = np.abs(np.diff(points, axis=0)).sum(axis=1)
    assert np.allclose(steps, 200.0 / 7)
    dot = Scribble(points=((5.0, 6.0),), thickness=3.0, positive=True)
    assert scribble_points(dot).tolist() == [[5.0, 6.0]]


def test_an_embedding_from_other_weights_is_refused(engine: SamEngine, picture: np.ndarray) -> None:
    prepared = engine.prepare(picture)
    other = SamImage(width=400, height=300, model_id="vit_h:other", embedding=prepared.embedding)
    with pytest.raises(ValueError, match="vit_h:other"):
        engine.predict(other, Prompts(clicks=(Click(x=1, y=1, positive=True),)), None)


def test_embeddings_travel_as_bytes_exactly(engine: SamEngine, picture: np.ndarray) -> None:
    prepared = engine.prepare(picture)
    copy = SamImage.from_bytes(prepared.to_bytes(), torch.device("cpu"))
    assert (copy.width, copy.height, copy.model_id) == (400, 300, "tiny")
    assert torch.equal(copy.embedding, prepared.embedding)
    prompts = Prompts(clicks=(Click(x=200, y=140, positive=True),))
    assert np.array_equal(engine.predict(copy, prompts, None), engine.predict(prepared, prompts, None))
    with pytest.raises(ValueError, match="not a stored SAM embedding"):
        SamImage.from_bytes(b"garbage\nmore", torch.device("cpu"))


def test_the_bf16_decoder_gives_nearly_the_same_mask(engine: SamEngine, picture: np.ndarray) -> None:
    prepared = engine.prepare(picture)
    prompts = Prompts(clicks=(Click(x=200, y=140, positive=True), Click(x=20, y=20, positive=False)))
    full = engine.predict(prepared, prompts, None)
    bf16 = SamEngine(engine.model, model_id=engine.model_id, decoder_bf16=True)
    fast = bf16.predict(prepared, prompts, None)
    assert fast.dtype == np.float32 and fast.shape == full.shape
    assert np.abs(fast - full).max() < 0.05
