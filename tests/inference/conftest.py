"""The tiny SAM the inference tests share: a checkpoint saved once a run, an engine, a picture."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inference.engines.sam.checkpoint import load_weights
from inference.engines.sam.engine import SamEngine
from tests.tiny_sam import build_tiny_sam, save_tiny_sam


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sam") / "tiny_sam.pth"
    save_tiny_sam(path, seed=0)
    return path


@pytest.fixture
def engine(tiny_checkpoint: Path) -> SamEngine:
    import torch

    model = load_weights(build_tiny_sam(seed=1), tiny_checkpoint, torch.device("cpu"))
    return SamEngine(model, model_id="tiny")


@pytest.fixture
def picture() -> np.ndarray:
    rng = np.random.default_rng(0)
    image = rng.integers(0, 60, (300, 400, 3), dtype=np.uint8)
    image[80:200, 120:300] = (220, 40, 40)
    return image
