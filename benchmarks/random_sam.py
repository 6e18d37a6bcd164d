"""Random SAM weights of the real size, for timing only: the arithmetic is that of the real
checkpoint, and they are saved so the real checkpoint code loads them. Never served."""

from __future__ import annotations

from pathlib import Path

import torch

from inference.engines.sam.modules import model_builders


def save_random_sam(path: Path, model_type: str) -> Path:
    """Write seeded random ``model_type`` weights (vit_b, vit_l, vit_h) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    torch.save(model_builders()[model_type](checkpoint=None).state_dict(), path)
    return path
