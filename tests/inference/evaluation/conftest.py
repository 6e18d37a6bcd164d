"""A small synthetic dataset on disk, in the COCO MVal layout (img/ + gt/, class prefixes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inference.synthetic import make_scene

CLASSES = ("ball", "kite", "ball")


@pytest.fixture
def tiny_dataset(tmp_path: Path) -> Path:
    """Three objects (two balls, one kite) on 160x120 synthetic scenes."""
    root = tmp_path / "tiny"
    (root / "img").mkdir(parents=True)
    (root / "gt").mkdir()
    for index, label in enumerate(CLASSES):
        scene = make_scene(160, 120, objects=1, seed=10 + index)
        stem = f"{label}{index:02d}_{1000 + index:012d}"
        Image.fromarray(scene.image).save(root / "img" / f"{stem}.png")
        Image.fromarray(scene.masks[0].astype(np.uint8) * 255).save(root / "gt" / f"{stem}.png")
    return root
