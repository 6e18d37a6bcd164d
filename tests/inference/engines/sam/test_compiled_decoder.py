"""The decoder compiled by TorchInductor answers as the eager one, for every copy of it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from inference.adaptation.adapter import ClassDecoder, adam_step
from inference.engines.sam import compiled
from inference.engines.sam.checkpoint import load_weights
from inference.engines.sam.engine import SamEngine
from inference.prompts import Box, Click, Prompts, Scribble
from tests.tiny_sam import build_tiny_sam

TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def compiled_engine(tiny_checkpoint: Path) -> SamEngine:
    model = load_weights(build_tiny_sam(seed=1), tiny_checkpoint, torch.device("cpu"))
    engine = SamEngine(model, model_id="tiny", compile_decoder=True)
    before = compiled.compiled_graphs()
    engine.warm_up()
    assert engine.compile_decoder, "warming up fell back to the eager decoder"
    assert compiled.compiled_graphs() > before
    return engine


def _steps() -> list[tuple[Prompts, bool]]:
    first = Click(x=200, y=140, positive=True)
    clicks = (first, Click(x=20, y=20, positive=False), Click(x=150, y=100, positive=True))
    box = Box(x0=110, y0=70, x1=310, y1=210)
    stroke = Scribble(points=((130, 90), (200, 150), (290, 190)), positive=True, thickness=4)
    return [
        (Prompts(clicks=clicks[:1]), False),
        (Prompts(clicks=clicks[:2]), True),
        (Prompts(clicks=clicks), True),
        (Prompts(box=box), False),
        (Prompts(clicks=clicks[:2], box=box), True),
        (Prompts(clicks=clicks[:1], scribbles=(stroke,)), True),
    ]


def test_every_prompt_gets_the_eager_mask_without_compiling_again(
    compiled_engine: SamEngine, picture: np.ndarray
) -> None:
    eager = SamEngine(compiled_engine.model, model_id="tiny")
    prepared = compiled_engine.prepare(picture)
    graphs = compiled.compiled_graphs()
    previous: np.ndarray | None = None
    for prompts, with_previous in _steps():
        fast = compiled_engine.predict_candidates(prepared, prompts, previous if with_previous else None)
        slow = eager.predict_candidates(prepared, prompts, previous if with_previous else None)
        assert len(fast) == len(slow)
        for got, want in zip(fast, slow, strict=True):
            assert np.abs(got.probability - want.probability).max() < TOLERANCE
            assert got.score == pytest.approx(want.score, abs=TOLERANCE)
        previous = fast[0].probability >= 0.5
    assert compiled.compiled_graphs() == graphs


def test_an_adapted_copy_answers_with_its_own_weights_in_the_same_graphs(
    compiled_engine: SamEngine, picture: np.ndarray
) -> None:
    prepared = compiled_engine.prepare(picture)
    prompts = Prompts(clicks=(Click(x=200, y=140, positive=True), Click(x=20, y=20, positive=False)))
    graphs = compiled.compiled_graphs()
    copy = ClassDecoder.from_engine(compiled_engine, lr=1e-2)
    adapted = compiled_engine.with_decoder(copy.decoder)
    label = np.full(picture.shape[:2], -1, dtype=np.int8)
    label[80:200, 120:300] = 1
    label[:40, :40] = 0
    base_answer = compiled_engine.predict(prepared, prompts, None)
    for _ in range(3):
        adam_step(compiled_engine, copy.decoder, copy.optimizer, prepared, prompts, label)
        fast = adapted.predict(prepared, prompts, None)
        slow = SamEngine(adapted.model, model_id="tiny").predict(prepared, prompts, None)
        assert np.abs(fast - slow).max() < TOLERANCE
    assert np.abs(fast - base_answer).max() > 0.01, "the copy's steps did not reach its answers"
    assert compiled.compiled_graphs() == graphs


def test_a_worker_that_cannot_compile_answers_eagerly(
    tiny_checkpoint: Path, picture: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    from torch._inductor import config

    monkeypatch.setattr(config.cpp, "cxx", ("/nonexistent/c++",))
    monkeypatch.setattr(config, "force_disable_caches", True)
    torch._dynamo.reset()
    compiled.compiled_decoder.cache_clear()
    model = load_weights(build_tiny_sam(seed=1), tiny_checkpoint, torch.device("cpu"))
    engine = SamEngine(model, model_id="tiny", compile_decoder=True)
    engine.warm_up()
    torch._dynamo.reset()
    compiled.compiled_decoder.cache_clear()
    assert not engine.compile_decoder
    prepared = engine.prepare(picture)
    prompts = Prompts(clicks=(Click(x=200, y=140, positive=True),))
    eager = SamEngine(model, model_id="tiny")
    assert np.array_equal(engine.predict(prepared, prompts, None), eager.predict(prepared, prompts, None))
