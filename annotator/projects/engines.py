"""Which engine a project asks for, and which one it gets on this server.

A project may ask for SAM (vit_b, vit_l or vit_h); it gets SAM only when that official
checkpoint is installed in ``MASKLOOP_WEIGHTS_DIR``. Otherwise it gets GrabCut and a note
that says why: random or missing weights are never served.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from inference.engines.sam.catalogue import CHECKPOINTS

GRABCUT = "grabcut"
SAM_PREFIX = "sam_"
ENGINE_CHOICES = (GRABCUT, *(SAM_PREFIX + model_type for model_type in CHECKPOINTS))


@dataclass(frozen=True)
class EngineInUse:
    requested: str
    engine: str
    note: str

    @property
    def fell_back(self) -> bool:
        return self.engine != self.requested


def sam_model_type(engine: str) -> str | None:
    """``sam_vit_b`` → ``vit_b``; None for engines that are not SAM."""
    model_type = engine.removeprefix(SAM_PREFIX)
    return model_type if engine.startswith(SAM_PREFIX) and model_type in CHECKPOINTS else None


def checkpoint_path(model_type: str) -> Path:
    return Path(settings.MASKLOOP_WEIGHTS_DIR) / CHECKPOINTS[model_type].filename


def engine_in_use(requested: str) -> EngineInUse:
    model_type = sam_model_type(requested)
    if model_type is None:
        return EngineInUse(requested, GRABCUT, "GrabCut (OpenCV), no model weights needed.")
    path = checkpoint_path(model_type)
    if path.is_file():
        return EngineInUse(requested, requested, f"SAM {model_type} ({path.name}).")
    return EngineInUse(
        requested,
        GRABCUT,
        f"GrabCut (OpenCV): this project asks for SAM {model_type}, but its checkpoint is not "
        f"installed on this server (run: python manage.py fetch_weights {model_type}).",
    )


def engine_options() -> list[tuple[str, str]]:
    """Each engine a project may ask for, with what it needs on this server, for a choice list."""
    options = [(GRABCUT, "GrabCut (OpenCV): no model weights needed")]
    for model_type in CHECKPOINTS:
        if checkpoint_path(model_type).is_file():
            status = "installed"
        else:
            status = f"not installed, GrabCut until then (python manage.py fetch_weights {model_type})"
        options.append((SAM_PREFIX + model_type, f"SAM {model_type}: {status}"))
    return options
