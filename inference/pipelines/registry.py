"""Pipeline names → engine wrappers.

A pipeline is ``plain`` (the engine on the whole image, as it is) or stages joined by ``+`` in
the order they wrap the engine: ``crop`` (FocalClick-XL's target crop), then ``focus`` or
``focus_fast`` (FocusCut's focus view, standard or fast), then ``merge`` (FocalClick-XL's
progressive merge), e.g. ``crop+focus+merge``.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

from inference.engines.base import Engine
from inference.pipelines.crop import TargetCrop
from inference.pipelines.focus import FocusView
from inference.pipelines.merge import ProgressiveMerge

PLAIN = "plain"
_STAGES: dict[str, Callable[[Engine], Engine]] = {
    "crop": TargetCrop,
    "focus": FocusView,
    "focus_fast": lambda engine: FocusView(engine, fast=True),
    "merge": ProgressiveMerge,
}
# Each slot holds at most one stage; slots wrap the engine in this order.
_SLOTS: tuple[tuple[str, ...], ...] = (("crop",), ("focus", "focus_fast"), ("merge",))


def available_pipelines() -> list[str]:
    names = [PLAIN]
    for choice in product(*(("", *slot) for slot in _SLOTS)):
        stages = [stage for stage in choice if stage]
        if stages:
            names.append("+".join(stages))
    return sorted(names)


def wrap_engine(name: str, engine: Engine) -> Engine:
    """The engine wrapped in the pipeline named ``name``."""
    if name not in available_pipelines():
        raise ValueError(f"unknown pipeline {name!r}; known: {', '.join(available_pipelines())}")
    if name == PLAIN:
        return engine
    for stage in name.split("+"):
        engine = _STAGES[stage](engine)
    return engine
