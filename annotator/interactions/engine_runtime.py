"""The worker side of the engine: one engine per process and a cache of prepared images.

Loaded lazily on the first click a process handles, then kept for the life of the process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.conf import settings
from PIL import Image, ImageOps

from annotator.images.models import ImageAsset
from inference.engines import Engine, PreparedImage, build_engine
from inference.engines.cache import PreparedImageCache
from inference.prompts import Prompts


@dataclass(frozen=True)
class Prediction:
    mask: np.ndarray
    engine_ms: float
    prepare_ms: float


@lru_cache(maxsize=4)
def engine_for(name: str) -> Engine:
    if name == "grabcut":
        return build_engine(
            "grabcut",
            max_side=settings.MASKLOOP_GRABCUT_MAX_SIDE,
            iterations=settings.MASKLOOP_GRABCUT_ITERATIONS,
        )
    return build_engine(name)


@lru_cache(maxsize=1)
def prepared_cache() -> PreparedImageCache:
    return PreparedImageCache(max_bytes=settings.MASKLOOP_PREPARED_CACHE_BYTES)


def load_rgb(image: ImageAsset) -> np.ndarray:
    """The image as the browser shows it: EXIF orientation applied, (H, W, 3) uint8 RGB."""
    with image.file.open("rb") as stream, Image.open(stream) as opened:
        upright = ImageOps.exif_transpose(opened)
        return np.asarray(upright.convert("RGB"))


def prepared_for(engine_name: str, image: ImageAsset) -> PreparedImage:
    """The engine's once-per-image state, from this process's cache or computed now."""
    engine = engine_for(engine_name)
    return prepared_cache().get_or_prepare(
        (engine_name, image.id, image.checksum), lambda: engine.prepare(load_rgb(image))
    )


def predict(
    *, engine_name: str, image: ImageAsset, prompts: Prompts, previous: np.ndarray | None
) -> Prediction:
    """Run the engine for one step; returns the binarised (H, W) bool mask and timings."""
    started = time.perf_counter()
    prepared = prepared_for(engine_name, image)
    engine = engine_for(engine_name)
    prepared_at = time.perf_counter()
    probability = engine.predict(prepared, prompts, previous)
    finished = time.perf_counter()
    return Prediction(
        mask=probability >= 0.5,
        engine_ms=(finished - prepared_at) * 1000.0,
        prepare_ms=(prepared_at - started) * 1000.0,
    )
