"""The engines of this process: built once from their catalogue entry, then kept for its life."""

from __future__ import annotations

from functools import lru_cache

from annotator.projects.engines import engine_in_use, engine_spec
from annotator.projects.selectors import engines_requested
from inference.engines import Engine, build_engine
from inference.pipelines import PLAIN, wrap_engine


@lru_cache(maxsize=16)
def engine_for(name: str, pipeline: str = PLAIN) -> Engine:
    """The process's engine for a session's engine name (``grabcut``, ``sam_vit_b``, ...),
    wrapped in its pipeline (the model itself is loaded once: ``base_engine``)."""
    return wrap_engine(pipeline, base_engine(name))


@lru_cache(maxsize=4)
def base_engine(name: str) -> Engine:
    spec = engine_spec(name)
    return build_engine(spec.registry_name, **spec.options())


def preload_engines() -> list[str]:
    """Load now the engines with weights that projects ask for and this server has installed
    (compiled, with ``MASKLOOP_SAM_COMPILE``), so no user's click waits for one; returns their
    names."""
    loaded = []
    for name in engines_requested():
        if engine_spec(name).weights is not None and engine_in_use(name).engine == name:
            base_engine(name)
            loaded.append(name)
    return loaded
