"""The sparse binary cross-entropy of seed 004 (eq. 2)."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def sparse_bce(logits: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
    """Mean BCE over the pixels labelled 1 plus mean BCE over those labelled 0; pixels
    labelled -1 are ignored. ``logits`` and ``label`` have the same shape; a class with no
    labelled pixel adds nothing. Raises ValueError when nothing is labelled."""
    if logits.shape != label.shape:
        raise ValueError(f"logits {tuple(logits.shape)} and label {tuple(label.shape)} differ in shape")
    total = logits.new_zeros(())
    labelled = False
    for value in (1, 0):
        where = label == value
        if bool(where.any()):
            target = torch.full_like(logits[where], float(value))
            total = total + F.binary_cross_entropy_with_logits(logits[where], target)
            labelled = True
    if not labelled:
        raise ValueError("the label marks no pixel")
    return total
