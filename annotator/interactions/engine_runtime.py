"""The worker side of the engine: one engine per process and a cache of prepared images.

Loaded lazily on the first step a process handles, then kept for the life of the process.
Prepared images (SAM: the image embedding) come from this process's LRU, else from the shared
embedding store, else from the engine, which then fills both.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.conf import settings

from annotator.images.models import ImageAsset
from annotator.images.selectors import image_rgb
from annotator.interactions.embedding_store import embedding_store
from annotator.interactions.models import InteractionSession
from annotator.projects.engines import checkpoint_path, engine_in_use, sam_model_type
from annotator.projects.selectors import engines_requested
from inference.engines import Engine, PreparedImage, ProposesCandidates, build_engine, predict_stages
from inference.engines.cache import prepared_image_cache
from inference.lru import LRU
from inference.pipelines import wrap_engine
from inference.prompts import Prompts

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prediction:
    """The step's (H, W) bool mask, and every mask the engine proposed (the first is ``mask``)."""

    mask: np.ndarray
    candidates: list[np.ndarray]
    engine_ms: float
    prepare_ms: float


@lru_cache(maxsize=16)
def engine_for(name: str, pipeline: str = "plain") -> Engine:
    """The process's engine for a session's engine name (``grabcut``, ``sam_vit_b``, ...),
    wrapped in its pipeline (the model itself is loaded once: ``base_engine``)."""
    return wrap_engine(pipeline, base_engine(name))


@lru_cache(maxsize=4)
def base_engine(name: str) -> Engine:
    model_type = sam_model_type(name)
    if model_type is not None:
        return build_engine(
            "sam",
            checkpoint=str(checkpoint_path(model_type)),
            model_type=model_type,
            device=settings.MASKLOOP_SAM_DEVICE,
            decoder_bf16=settings.MASKLOOP_SAM_DECODER_BF16,
            compile_decoder=settings.MASKLOOP_SAM_COMPILE,
        )
    return build_engine(
        "grabcut",
        max_side=settings.MASKLOOP_GRABCUT_MAX_SIDE,
        iterations=settings.MASKLOOP_GRABCUT_ITERATIONS,
    )


def preload_engines() -> list[str]:
    """Load now the SAM engines that projects ask for and this server has weights for (and
    compile them, with ``MASKLOOP_SAM_COMPILE``), so no user's click waits for it; returns
    their names."""
    loaded = []
    for name in engines_requested():
        if sam_model_type(name) is not None and engine_in_use(name).engine == name:
            base_engine(name)
            loaded.append(name)
    return loaded


@lru_cache(maxsize=1)
def prepared_cache() -> LRU[Hashable, PreparedImage]:
    return prepared_image_cache(max_bytes=settings.MASKLOOP_PREPARED_CACHE_BYTES)


def _prepare(engine: Engine, image: ImageAsset) -> PreparedImage:
    store = embedding_store()
    if store is None or engine.name != "sam":
        return engine.prepare(image_rgb(image=image))
    from inference.engines.sam.engine import SamEngine  # torch, only where SAM runs
    from inference.engines.sam.image import SamImage

    if not isinstance(engine, SamEngine):  # wrapped in pipeline stages: their own state
        return engine.prepare(image_rgb(image=image))
    shared = store.get(engine.model_id, image.checksum)
    try:
        if shared is not None:
            return SamImage.from_bytes(shared, engine.device)
    except ValueError:
        logger.warning("unusable embedding in the store for image %s; computing it again", image.id)
    prepared = engine.prepare(image_rgb(image=image))
    store.put(engine.model_id, image.checksum, prepared.to_bytes())
    return prepared


def prepared_for(engine_name: str, image: ImageAsset, pipeline: str = "plain") -> PreparedImage:
    """The engine's once-per-image state, from this process, the shared store, or computed now."""
    engine = engine_for(engine_name, pipeline)
    return prepared_cache().get_or_create(_key(engine_name, image, pipeline), lambda: _prepare(engine, image))


def _key(engine_name: str, image: ImageAsset, pipeline: str) -> Hashable:
    return (engine_name, pipeline, image.id, image.checksum)


def predict(
    *,
    engine_name: str,
    image: ImageAsset,
    prompts: Prompts,
    previous: np.ndarray | None,
    pipeline: str = "plain",
    on_preview: Callable[[np.ndarray], None] | None = None,
    session: InteractionSession | None = None,
) -> Prediction:
    """Run the engine for one step; returns the binarised mask (and alternatives) and timings.

    An engine that answers in stages (the focus view) hands each answer before the last to
    ``on_preview`` as soon as it has it. SAM on the plain pipeline answers ``session``'s click
    with its class's adapted decoder, or the session's click-adapted copy of it (seed 004).
    """
    started = time.perf_counter()
    prepared = prepared_for(engine_name, image, pipeline)
    engine = engine_for(engine_name, pipeline)
    with _adapted(engine, session, pipeline, prepared, prompts) as engine:
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
    prepared_cache().resize(_key(engine_name, image, pipeline))  # pipelines keep crops in it
    return Prediction(
        mask=masks[0],
        candidates=masks,
        engine_ms=(finished - prepared_at) * 1000.0,
        prepare_ms=(prepared_at - started) * 1000.0,
    )


@contextmanager
def _adapted(
    engine: Engine,
    session: InteractionSession | None,
    pipeline: str,
    prepared: PreparedImage,
    prompts: Prompts,
) -> Iterator[Engine]:
    """``engine``, or for a SAM session on the plain pipeline its adapted decoder (held while
    it answers, so a click-adaptation step never runs under it)."""
    if session is None or pipeline != "plain" or engine.name != "sam":
        yield engine
        return
    from annotator.adaptation.runtime import session_engine  # torch, only where SAM runs
    from inference.engines.sam.engine import SamEngine

    if not isinstance(engine, SamEngine):
        yield engine
        return
    with session_engine(engine, session, prepared, prompts) as adapted:
        yield adapted
