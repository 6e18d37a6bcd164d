"""segment-anything's model code, importable where torchvision is not.

``segment_anything/__init__.py`` imports its ``SamPredictor``, whose image transform needs
torchvision; on a CPU-only machine there may be no torchvision build that matches torch. The
engine needs only the model registry and modules (``build_sam``, ``modeling``), which import
nothing but torch, so when the package as a whole cannot be imported they are loaded from the
same installed package without running its ``__init__``. Where torchvision works the package is
imported normally.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections.abc import Callable
from functools import lru_cache
from typing import Any

PACKAGE = "segment_anything"


@lru_cache(maxsize=1)
def build_sam_module() -> types.ModuleType:
    """segment-anything's ``build_sam`` module (``sam_model_registry`` and ``_build_sam``)."""
    try:
        importlib.import_module(PACKAGE)
    except ImportError:
        spec = importlib.util.find_spec(PACKAGE)
        if spec is None or spec.submodule_search_locations is None:
            raise ImportError("segment-anything is not installed") from None
        package = types.ModuleType(PACKAGE)
        package.__path__ = list(spec.submodule_search_locations)
        package.__spec__ = spec
        sys.modules[PACKAGE] = package
    return importlib.import_module(f"{PACKAGE}.build_sam")


def modeling() -> types.ModuleType:
    """``segment_anything.modeling``: Sam, ImageEncoderViT, PromptEncoder, MaskDecoder, ..."""
    build_sam_module()
    return importlib.import_module(f"{PACKAGE}.modeling")


def model_builders() -> dict[str, Callable[..., Any]]:
    """segment-anything's ``sam_model_registry``: model type → builder(checkpoint=None)."""
    registry: dict[str, Callable[..., Any]] = build_sam_module().sam_model_registry
    return registry
