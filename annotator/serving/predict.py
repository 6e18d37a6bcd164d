"""Answering a session's step: the engine on the prepared image, with the session's decoder."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from annotator.images.models import ImageAsset
from annotator.projects.engines import capabilities
from annotator.serving import learning
from annotator.serving.engines import engine_for
from annotator.serving.learning import ServedSession
from annotator.serving.prepared import prepared_cache, prepared_for, prepared_key
from inference.engines import Engine, PreparedImage, ProposesCandidates, predict_stages
from inference.pipelines import PLAIN
from inference.prompts import Prompts


@dataclass(frozen=True)
class Prediction:
    """The step's (H, W) bool mask, and every mask the engine proposed (the first is ``mask``)."""

    mask: np.ndarray
    candidates: list[np.ndarray]
    engine_ms: float
    prepare_ms: float


def predict(
    *,
    engine_name: str,
    image: ImageAsset,
    prompts: Prompts,
    previous: np.ndarray | None,
    pipeline: str = PLAIN,
    on_preview: Callable[[np.ndarray], None] | None = None,
    session: ServedSession | None = None,
) -> Prediction:
    """Run the engine for one step; returns the binarised mask (and alternatives) and timings.

    An engine that answers in stages (the focus view) hands each answer before the last to
    ``on_preview`` as soon as it has it. An engine that learns online, on the plain pipeline,
    answers ``session``'s click with what the registered learner gives (its class's adapted
    decoder, or the session's click-adapted copy of it: seed 004).
    """
    started = time.perf_counter()
    prepared = prepared_for(engine_name, image, pipeline)
    engine = engine_for(engine_name, pipeline)
    with _adapted(engine_name, engine, session, pipeline, prepared, prompts) as engine:
        prepared_at = time.perf_counter()
        if isinstance(engine, ProposesCandidates):
            masks = [c.probability >= 0.5 for c in engine.predict_candidates(prepared, prompts, previous)]
        else:
            stages = predict_stages(engine, prepared, prompts, previous)
            answer = next(stages)
            for refined in stages:
                if on_preview is not None:
                    on_preview(answer >= 0.5)
                answer = refined
            masks = [answer >= 0.5]
        finished = time.perf_counter()
    prepared_cache().resize(prepared_key(engine_name, image, pipeline))  # pipelines add crops to it
    return Prediction(
        mask=masks[0],
        candidates=masks,
        engine_ms=(finished - prepared_at) * 1000.0,
        prepare_ms=(prepared_at - started) * 1000.0,
    )


@contextmanager
def _adapted(
    engine_name: str,
    engine: Engine,
    session: ServedSession | None,
    pipeline: str,
    prepared: PreparedImage,
    prompts: Prompts,
) -> Iterator[Engine]:
    """``engine``, or for a session of an engine that learns online, on the plain pipeline, the
    learner's engine (held while it answers, so a click-adaptation step never runs under it)."""
    if session is None or pipeline != PLAIN or not capabilities(engine_name).learns_online:
        yield engine
        return
    with learning.session_engine(engine, session, prepared, prompts) as adapted:
        yield adapted
