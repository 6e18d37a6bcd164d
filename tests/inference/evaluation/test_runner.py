"""The runner end to end on a 3-object synthetic dataset: JSON keys, protocols, workers, order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inference.evaluation.cli import main
from inference.evaluation.datasets import load_dataset
from inference.evaluation.protocols import PROTOCOLS, ProtocolOptions
from inference.evaluation.runner import EngineSpec, evaluate

REQUIRED_KEYS = {
    "engine", "dataset", "protocol", "n", "max_clicks", "noc85", "noc90", "noc95", "nof85", "nof90",
    "nof95", "fr_85", "fr_90", "miou_curve", "seconds_per_click", "per_sample",
}  # fmt: skip


def run_cli(tiny_dataset: Path, tmp_path: Path, *extra: str) -> dict:
    out = tmp_path / "run.json"
    code = main(["--dataset", str(tiny_dataset), "--json", str(out), "--quiet", "--max-clicks", "3", *extra])
    assert code == 0
    return json.loads(out.read_text())


def test_the_json_has_every_key_and_consistent_numbers(tiny_dataset: Path, tmp_path: Path) -> None:
    summary = run_cli(tiny_dataset, tmp_path, "--plot", str(tmp_path / "curve.png"))
    assert REQUIRED_KEYS <= set(summary)
    assert summary["n"] == 3 and summary["max_clicks"] == 3 and summary["engine"] == "grabcut"
    assert len(summary["miou_curve"]) == 3
    samples = summary["per_sample"]
    assert [s["name"][:6] for s in samples] == ["ball00", "ball02", "kite01"]
    assert all(len(s["ious"]) >= 1 and s["name"] for s in samples)
    assert summary["seconds_per_click"] > 0
    assert (tmp_path / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert set(summary["per_class"]) == {"ball", "kite"}


def test_failure_rate_on_a_small_run_counts_objects_that_never_reach_the_threshold(
    tiny_dataset: Path, tmp_path: Path
) -> None:
    summary = run_cli(tiny_dataset, tmp_path, "--max-clicks", "2")
    for threshold, key in ((0.85, "fr_85"), (0.90, "fr_90")):
        failing = [s for s in summary["per_sample"] if max(s["ious"][:2]) < threshold]
        assert summary[key] == pytest.approx(100.0 * len(failing) / 3)
        assert summary[f"nof{round(threshold * 100)}"] == len(failing)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_every_protocol_runs_and_improves_on_nothing(protocol: str, tiny_dataset: Path) -> None:
    samples = load_dataset(tiny_dataset, "masks")
    options = ProtocolOptions(protocol=protocol, max_clicks=3, seed=1)
    outcome = evaluate(samples, EngineSpec("grabcut"), options, progress=False)
    assert not outcome.errors
    assert len(outcome.results) == 3
    for result in outcome.results:
        assert 1 <= len(result.ious) <= 3
        assert max(result.ious) > 0.5, f"{protocol}: {result.name} {result.ious}"
        if protocol in ("box", "coarse", "correction"):
            assert result.initial_iou is not None
        else:
            assert result.initial_iou is None
        if protocol == "correction":
            assert result.input_iou is not None and 0.75 <= result.input_iou <= 0.85
            assert result.destroyed is not None and 0.0 <= result.destroyed < 0.5
        else:
            assert result.destroyed is None
        if protocol == "coarse":
            assert result.input_iou is not None and 0.85 <= result.input_iou <= 0.90


def test_two_worker_processes_give_the_same_results_as_one(tiny_dataset: Path) -> None:
    samples = load_dataset(tiny_dataset, "masks")
    options = ProtocolOptions(protocol="pisam_clicks", max_clicks=3, seed=5)
    alone = evaluate(samples, EngineSpec("grabcut"), options, workers=1, progress=False)
    pooled = evaluate(samples, EngineSpec("grabcut"), options, workers=2, progress=False)
    assert [(r.name, r.ious) for r in alone.results] == [(r.name, r.ious) for r in pooled.results]


def test_by_class_runs_every_object_of_a_class_in_a_row(tiny_dataset: Path, tmp_path: Path) -> None:
    stems = sorted(path.stem for path in (tiny_dataset / "gt").iterdir())
    csv = tmp_path / "classes.csv"
    csv.write_text(f"name,class\n{stems[0]},zebra\n{stems[1]},zebra\n{stems[2]},ant\n")
    summary = run_cli(tiny_dataset, tmp_path, "--by-class", "--classes", str(csv), "--max-clicks", "1")
    assert [s["class"] for s in summary["per_sample"]] == ["ant", "zebra", "zebra"]
    assert [s["name"] for s in summary["per_sample"]] == [stems[2], stems[0], stems[1]]
    assert summary["by_class"] is True
    assert set(summary["per_class"]) == {"ant", "zebra"}


def test_an_engine_option_the_engine_lacks_is_a_usage_error(
    tiny_dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--dataset", str(tiny_dataset), "--engine-option", "no_such=1", "--quiet"])
    assert exit_info.value.code == 2
    assert "does not take these options" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--dataset", str(tiny_dataset), "--checkpoint", "x.pth", "--quiet"])
