"""The engine catalogue: which engines a project may ask for, what each can do, and which one it
gets on this server.

Each entry maps a project's engine name (``grabcut``, ``sam_vit_b``, ...) to the model library's
registry name (``inference.engines.registry``), the builder's options from settings, the weights
it needs and its capabilities. The web tier decides by capability, never by an engine's name;
``annotator.serving`` builds and holds the engines an entry names. Adding an engine is one module
in ``inference/engines/`` and one entry here.

A project may ask for SAM (vit_b, vit_l or vit_h); it gets SAM only when that official
checkpoint is installed in ``MASKLOOP_WEIGHTS_DIR``. Otherwise it gets GrabCut and a note that
says why: random or missing weights are never served.

The catalogue lives in ``projects`` (not in ``serving``) because a project's choice list and
every app above it read it, and ``projects`` sits below them all (docs/layers.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from inference.engines.sam.catalogue import CHECKPOINTS

GRABCUT = "grabcut"


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do, as far as the apps need to decide before one is loaded.

    ``candidates``: proposes alternative masks for an ambiguous first click (the annotation page
    offers them on Tab).
    ``shares_embeddings``: its once-per-image step is an image embedding worth computing ahead
    (at upload) and sharing between workers through the embedding store.
    ``learns_online``: answers with per-class decoders that adapt after clicks and accepts.

    The worker asks a loaded engine's protocols (``inference.engines.base``) what it does per step.
    """

    candidates: bool = False
    shares_embeddings: bool = False
    learns_online: bool = False


@dataclass(frozen=True)
class EngineSpec:
    """One catalogue entry. ``options``: the registry builder's keyword options, read from
    settings when the engine is built; ``weights``: the file the engine needs (None: none) and
    ``install``, the command that installs it."""

    name: str
    registry_name: str
    label: str
    capabilities: Capabilities
    options: Callable[[], dict[str, Any]]
    weights: Callable[[], Path] | None = None
    install: str = ""

    def installed(self) -> bool:
        """Whether this server can run it (its weights, if any, are installed)."""
        return self.weights is None or self.weights().is_file()


def _grabcut_options() -> dict[str, Any]:
    return {
        "max_side": settings.MASKLOOP_GRABCUT_MAX_SIDE,
        "iterations": settings.MASKLOOP_GRABCUT_ITERATIONS,
    }


def checkpoint_path(model_type: str) -> Path:
    return Path(settings.MASKLOOP_WEIGHTS_DIR) / CHECKPOINTS[model_type].filename


def _sam(model_type: str) -> EngineSpec:
    def options() -> dict[str, Any]:
        return {
            "checkpoint": str(checkpoint_path(model_type)),
            "model_type": model_type,
            "device": settings.MASKLOOP_SAM_DEVICE,
            "decoder_bf16": settings.MASKLOOP_SAM_DECODER_BF16,
            "compile_decoder": settings.MASKLOOP_SAM_COMPILE,
        }

    return EngineSpec(
        name=f"sam_{model_type}",
        registry_name="sam",
        label=f"SAM {model_type}",
        capabilities=Capabilities(candidates=True, shares_embeddings=True, learns_online=True),
        options=options,
        weights=lambda: checkpoint_path(model_type),
        install=f"python manage.py fetch_weights {model_type}",
    )


CATALOGUE: dict[str, EngineSpec] = {
    spec.name: spec
    for spec in (
        EngineSpec(
            name=GRABCUT,
            registry_name="grabcut",
            label="GrabCut (OpenCV)",
            capabilities=Capabilities(),
            options=_grabcut_options,
        ),
        *(_sam(model_type) for model_type in CHECKPOINTS),
    )
}
ENGINE_CHOICES = tuple(CATALOGUE)


@dataclass(frozen=True)
class EngineInUse:
    requested: str
    engine: str
    note: str

    @property
    def fell_back(self) -> bool:
        return self.engine != self.requested

    @property
    def spec(self) -> EngineSpec:
        return CATALOGUE[self.engine]


def engine_spec(name: str) -> EngineSpec:
    """The catalogue entry of a session's or project's engine name (GrabCut's for a name the
    catalogue no longer has)."""
    return CATALOGUE.get(name, CATALOGUE[GRABCUT])


def capabilities(name: str) -> Capabilities:
    return engine_spec(name).capabilities


def engine_in_use(requested: str) -> EngineInUse:
    spec = CATALOGUE.get(requested)
    if spec is None or spec.weights is None:
        return EngineInUse(requested, GRABCUT, "GrabCut (OpenCV), no model weights needed.")
    if spec.installed():
        return EngineInUse(requested, requested, f"{spec.label} ({spec.weights().name}).")
    return EngineInUse(
        requested,
        GRABCUT,
        f"GrabCut (OpenCV): this project asks for {spec.label}, but its checkpoint is not "
        f"installed on this server (run: {spec.install}).",
    )


def engine_options() -> list[tuple[str, str]]:
    """Each engine a project may ask for, with what it needs on this server, for a choice list."""
    options = []
    for spec in CATALOGUE.values():
        if spec.weights is None:
            options.append((spec.name, f"{spec.label}: no model weights needed"))
        elif spec.installed():
            options.append((spec.name, f"{spec.label}: installed"))
        else:
            options.append((spec.name, f"{spec.label}: not installed, GrabCut until then ({spec.install})"))
    return options
