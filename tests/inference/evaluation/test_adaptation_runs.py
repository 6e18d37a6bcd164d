"""The seed-004 protocol in the evaluation runner: per-class decoders over a by-class run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from inference.adaptation.adapter import AdaptationConfig
from inference.evaluation.cli import main
from inference.evaluation.datasets import load_dataset
from inference.evaluation.protocols import ProtocolOptions
from inference.evaluation.runner import EngineSpec, evaluate
from tests.tiny_sam import build_tiny_sam, save_tiny_sam


@pytest.fixture
def tiny_sam_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """``--engine sam`` resolves vit_b to the tiny SAM, whose weights load through the real code."""
    checkpoint = tmp_path / "tiny.pth"
    save_tiny_sam(checkpoint, seed=0)
    monkeypatch.setattr(
        "inference.engines.sam.checkpoint.model_builders",
        lambda: {"vit_b": lambda checkpoint=None: build_tiny_sam(seed=3)},
    )
    return {"checkpoint": str(checkpoint), "model_type": "vit_b", "device": "cpu"}


def ious(spec: EngineSpec, dataset: Path, accept_iou: float | None = 0.85) -> dict[str, list[float]]:
    options = ProtocolOptions(max_clicks=4, accept_iou=accept_iou)
    outcome = evaluate(load_dataset(dataset, "masks"), spec, options, by_class=True, progress=False)
    assert not outcome.errors
    return {r.name[:6]: r.ious for r in outcome.results}


def test_a_class_decoder_learns_only_from_earlier_objects_of_its_class(
    tiny_dataset: Path, tiny_sam_spec: dict[str, Any]
) -> None:
    baseline = ious(EngineSpec("sam", tiny_sam_spec, adaptation="none"), tiny_dataset)
    # Accept-time steps only (no click adaptation), with a learning rate that shows in a few steps.
    adapted = ious(EngineSpec("sam", tiny_sam_spec, adaptation="rm=e,cm,lr=5e-2"), tiny_dataset)
    assert list(adapted) == ["ball00", "ball02", "kite01"]
    assert adapted["ball00"] == baseline["ball00"]  # first of its class: the base decoder
    assert adapted["kite01"] == baseline["kite01"]  # after two balls, but its own decoder
    assert adapted["ball02"] != baseline["ball02"]  # learnt from ball00


def test_the_baseline_variant_is_the_plain_engine(tiny_dataset: Path, tiny_sam_spec: dict[str, Any]) -> None:
    plain = ious(EngineSpec("sam", tiny_sam_spec), tiny_dataset)
    assert ious(EngineSpec("sam", tiny_sam_spec, adaptation="none"), tiny_dataset) == plain


def test_click_adaptation_changes_the_object_s_own_later_clicks_and_reset_forgets_it(
    tiny_dataset: Path, tiny_sam_spec: dict[str, Any]
) -> None:
    baseline = ious(EngineSpec("sam", tiny_sam_spec), tiny_dataset, accept_iou=None)
    adapted = ious(EngineSpec("sam", tiny_sam_spec, adaptation="ca=r,lr=5e-2"), tiny_dataset, accept_iou=None)
    for name in baseline:
        assert adapted[name][0] == baseline[name][0]  # the first mask comes before any step
    assert any(adapted[name][1:] != baseline[name][1:] for name in baseline)
    # Reset: every object starts from the untouched class decoder, so with CA alone the first
    # click of every object is answered exactly as without adaptation (checked above), and
    # continual carries the steps into the next object of the class.
    continual = ious(
        EngineSpec("sam", tiny_sam_spec, adaptation="ca=c,lr=5e-2"), tiny_dataset, accept_iou=None
    )
    assert continual["ball02"][0] != baseline["ball02"][0]


def test_the_robot_accepts_at_the_threshold_and_the_report_says_what_it_cannot_know(
    tiny_dataset: Path, tiny_sam_spec: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "run.json"
    argv = ["--dataset", str(tiny_dataset), "--engine", "sam", "--checkpoint", tiny_sam_spec["checkpoint"]]
    argv += ["--engine-option", "device=cpu", "--max-clicks", "4", "--quiet", "--json", str(out)]
    assert main([*argv, "--by-class", "--adapt", "full", "--accept-iou", "0.5"]) == 0
    summary = json.loads(out.read_text())
    assert summary["adaptation"] == AdaptationConfig().notation() == "ca=r,rm=e,cm,lr=1e-06,k=5"
    assert summary["accept_iou"] == 0.5
    assert summary["noc85"] is None and summary["fr_90"] is None  # the robot stopped at 0.5
    for sample in summary["per_sample"]:
        reached = [i for i, iou in enumerate(sample["ious"]) if iou >= 0.5]
        assert not reached or reached[0] == len(sample["ious"]) - 1  # stopped at the first


def test_adaptation_is_refused_where_it_cannot_run(
    tiny_dataset: Path, tiny_sam_spec: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--dataset", str(tiny_dataset), "--quiet"]
    with pytest.raises(SystemExit):
        main([*argv, "--adapt", "full"])  # not by class
    assert "--by-class" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*argv, "--adapt", "full", "--by-class"])  # GrabCut has no decoder
    assert "SAM" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(
            [
                *argv,
                "--adapt",
                "ca=x",
                "--by-class",
                "--engine",
                "sam",
                "--checkpoint",
                tiny_sam_spec["checkpoint"],
            ]
        )
    assert "ca=r|c" in capsys.readouterr().err


def test_variants_read_and_write_the_seed_s_notation() -> None:
    assert AdaptationConfig.parse("full") == AdaptationConfig()
    assert AdaptationConfig.parse("none").adapts is False
    variant = AdaptationConfig.parse("ca=c, rm=u, lr=1e-4, k=3")
    assert (variant.click, variant.result, variant.click_mask, variant.lr, variant.erosions) == (
        "continual", "untreated", False, 1e-4, 3,
    )  # fmt: skip
    assert AdaptationConfig.parse(variant.notation()) == variant
    with pytest.raises(ValueError, match="erosions"):
        AdaptationConfig.parse("k=-1")
