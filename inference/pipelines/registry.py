"""Pipeline names → wrappers. ``plain`` runs the engine on the whole image, as it is; ``focus``
adds FocusCut's focus view with the progressive strategy, ``focus_fast`` its fast form."""

from __future__ import annotations

from collections.abc import Callable

from inference.engines.base import Engine
from inference.pipelines.focus import FocusView


def _plain(engine: Engine) -> Engine:
    return engine


_WRAPPERS: dict[str, Callable[[Engine], Engine]] = {
    "plain": _plain,
    "focus": FocusView,
    "focus_fast": lambda engine: FocusView(engine, fast=True),
}


def available_pipelines() -> list[str]:
    return sorted(_WRAPPERS)


def wrap_engine(name: str, engine: Engine) -> Engine:
    """The engine wrapped in the pipeline registered under ``name``."""
    try:
        wrapper = _WRAPPERS[name]
    except KeyError:
        raise ValueError(f"unknown pipeline {name!r}; known: {', '.join(available_pipelines())}") from None
    return wrapper(engine)
