"""The prepared-image cache's byte count stays the real size of what it holds when entries grow.

The crop and focus pipelines add prepared crops to an image after it was cached; the cache must
count them, so ``MASKLOOP_PREPARED_CACHE_BYTES`` still bounds the worker's memory.
"""

from __future__ import annotations

import numpy as np
import pytest

from inference.engines.base import Engine, PreparedImage
from inference.engines.cache import prepared_image_cache
from inference.engines.grabcut import GrabCutEngine
from inference.pipelines.crop import TargetCrop
from inference.pipelines.focus import FocusView
from inference.prompts import Click, Prompts


def _image(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 60, size=(96, 128, 3), dtype=np.uint8)
    image[30:70, 40:90] = 200
    return image


def _grow(engine: Engine, prepared: PreparedImage) -> None:
    """Clicks with a previous mask, so the pipeline prepares crops inside ``prepared``."""
    previous = np.zeros((96, 128), dtype=bool)
    previous[32:60, 45:80] = True
    for x, y in ((60.0, 40.0), (85.0, 65.0), (50.0, 68.0), (70.0, 50.0)):
        prompts = Prompts(clicks=(Click(x=x, y=y, positive=True), Click(x=5.0, y=5.0, positive=False)))
        engine.predict(prepared, prompts, previous)
        previous = np.roll(previous, 3, axis=1)


@pytest.mark.parametrize("pipeline", ["crop", "focus"])
def test_counted_bytes_are_the_real_size_of_the_entries_and_stay_within_the_budget(pipeline: str) -> None:
    base = GrabCutEngine(max_side=64, iterations=1)
    engine: Engine = TargetCrop(base) if pipeline == "crop" else FocusView(base)
    one_image = engine.prepare(_image(0))
    _grow(engine, one_image)
    budget = 2 * one_image.nbytes + one_image.nbytes // 2  # two grown images fit, three do not
    cache = prepared_image_cache(max_bytes=budget)
    held: list[tuple[int, PreparedImage]] = []  # most recent last, as the cache orders them
    for seed in range(6):
        prepared = cache.get_or_create(seed, lambda seed=seed: engine.prepare(_image(seed)))
        _grow(engine, prepared)  # the entry grows after it was counted
        held.append((seed, prepared))
        again = cache.get_or_create(seed, lambda: pytest.fail("a cached image was prepared again"))
        assert again is prepared
        held = held[-len(cache) :]
        assert 0 <= cache.nbytes <= budget
        assert cache.nbytes == sum(kept.nbytes for _, kept in held)
