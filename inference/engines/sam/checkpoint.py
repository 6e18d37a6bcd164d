"""Loading SAM weights: segment-anything's builders, our own safe ``torch.load``.

segment-anything's builders call ``torch.load`` without ``map_location`` (a checkpoint saved
on a GPU would not load on a CPU worker) and without saying ``weights_only``; so the model is
built without weights and the state dict is loaded here, tensors only.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import torch

from inference.engines.sam.modules import model_builders

MODEL_TYPES = ("vit_b", "vit_l", "vit_h")


class CheckpointError(Exception):
    """The checkpoint file is missing, unreadable or does not fit the model."""


def default_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def load_weights(model: torch.nn.Module, path: Path, device: torch.device) -> torch.nn.Module:
    """Load the state dict at ``path`` into ``model`` (strictly), move it to ``device``, eval mode."""
    try:
        state = torch.load(path, map_location=device, weights_only=True)
    except FileNotFoundError as error:
        raise CheckpointError(f"no checkpoint at {path}") from error
    except (pickle.UnpicklingError, RuntimeError, OSError, EOFError, ValueError) as error:
        raise CheckpointError(f"cannot read checkpoint {path}: {error}") from error
    if not isinstance(state, dict):
        raise CheckpointError(f"{path} holds a {type(state).__name__}, not a state dict")
    try:
        model.load_state_dict(state)
    except RuntimeError as error:
        raise CheckpointError(f"{path} does not fit this model: {error}") from error
    return model.to(device).eval()


def build_sam(model_type: str, checkpoint: Path, device: torch.device | None = None) -> Any:
    """segment-anything's ``model_type`` (vit_b, vit_l, vit_h) with the weights at ``checkpoint``."""
    if model_type not in MODEL_TYPES:
        raise ValueError(f"unknown SAM model {model_type!r}; known: {', '.join(MODEL_TYPES)}")
    if not Path(checkpoint).is_file():
        raise CheckpointError(f"no checkpoint at {checkpoint}")
    model = model_builders()[model_type](checkpoint=None)
    return load_weights(model, Path(checkpoint), device or default_device())
