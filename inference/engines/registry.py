"""One place that maps engine names to builders (as segment-anything's ``sam_model_registry``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inference.engines.base import Engine
from inference.engines.grabcut import GrabCutEngine


def _sam(**options: Any) -> Engine:
    """SAM needs torch; it is imported only when a SAM engine is built."""
    from inference.engines.sam.engine import load_sam_engine

    return load_sam_engine(**options)


_BUILDERS: dict[str, Callable[..., Engine]] = {
    "grabcut": GrabCutEngine,
    "sam": _sam,
}


def available_engines() -> list[str]:
    return sorted(_BUILDERS)


def build_engine(name: str, **options: Any) -> Engine:
    """Build the engine registered under ``name`` with its keyword options."""
    try:
        builder = _BUILDERS[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; known: {', '.join(available_engines())}") from None
    return builder(**options)
