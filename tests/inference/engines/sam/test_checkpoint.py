"""Loading SAM weights through the real checkpoint code, safely."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from inference.engines import build_engine
from inference.engines.sam.checkpoint import CheckpointError, load_weights
from tests.tiny_sam import build_tiny_sam


def test_weights_round_trip_bit_for_bit(tiny_checkpoint: Path) -> None:
    original = build_tiny_sam(seed=0)
    loaded = load_weights(build_tiny_sam(seed=7), tiny_checkpoint, torch.device("cpu"))
    for (name, expected), (_, got) in zip(
        original.state_dict().items(), loaded.state_dict().items(), strict=True
    ):
        assert torch.equal(expected, got), name
    assert not loaded.training


def test_a_checkpoint_that_would_run_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.pth"
    torch.save({"weights": torch.zeros(1), "payload": Path("/etc/passwd")}, path)
    with pytest.raises(CheckpointError, match="cannot read"):
        load_weights(build_tiny_sam(), path, torch.device("cpu"))


def test_missing_truncated_and_mismatched_checkpoints_say_what_is_wrong(
    tmp_path: Path, tiny_checkpoint: Path
) -> None:
    with pytest.raises(CheckpointError, match="no checkpoint"):
        load_weights(build_tiny_sam(), tmp_path / "absent.pth", torch.device("cpu"))
    truncated = tmp_path / "truncated.pth"
    truncated.write_bytes(tiny_checkpoint.read_bytes()[:1000])
    with pytest.raises(CheckpointError, match="cannot read"):
        load_weights(build_tiny_sam(), truncated, torch.device("cpu"))
    with pytest.raises(CheckpointError, match="does not fit"):
        build_engine("sam", checkpoint=str(tiny_checkpoint), model_type="vit_b", device="cpu")
    with pytest.raises(ValueError, match="unknown SAM model"):
        build_engine("sam", checkpoint=str(tiny_checkpoint), model_type="vit_x")
