"""A run's summary: the seeds' metrics over all objects, per class, and per object."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

from inference.evaluation import metrics
from inference.evaluation.protocols import ProtocolOptions, SampleResult
from inference.evaluation.runner import SampleError

THRESHOLDS = (0.85, 0.90, 0.95)
DETAIL_AT = 5


def _finite(value: float) -> float | None:
    """JSON has no NaN: a metric without data is null."""
    return None if math.isnan(value) else round(value, 6)


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = min(len(ordered) - 1, max(0, math.ceil(q / 100.0 * len(ordered)) - 1))
    return ordered[rank]


def _at(values: Sequence[float], k: int) -> float:
    return values[min(k, len(values)) - 1] if values else math.nan


def click_metrics(
    histories: Sequence[metrics.History], cap: int, accept_iou: float | None = None
) -> dict[str, Any]:
    """NoC, NoF and FR at 85/90/95 within ``cap`` interactions; null above ``accept_iou``
    (the robot stopped there, so a higher threshold was never tried)."""
    out: dict[str, Any] = {}
    for threshold in THRESHOLDS:
        tag = round(threshold * 100)
        if accept_iou is not None and threshold > accept_iou + 1e-9:
            out.update({f"noc{tag}": None, f"nof{tag}": None, f"fr_{tag}": None})
            continue
        out[f"noc{tag}"] = _finite(metrics.mean_noc(histories, threshold, cap))
        out[f"nof{tag}"] = metrics.count_failures(histories, threshold, cap)
        out[f"fr_{tag}"] = _finite(metrics.failure_rate(histories, threshold, cap))
    return out


def summarise(
    results: Sequence[SampleResult],
    errors: Sequence[SampleError],
    options: ProtocolOptions,
    *,
    engine: str,
    pipeline: str,
    dataset: str,
) -> dict[str, Any]:
    """The run's JSON document (see ``docs/evaluation.md`` for every key)."""
    cap = options.max_clicks
    histories = [result.history for result in results]
    seconds = [s for result in results for s in result.seconds]
    summary: dict[str, Any] = {
        "engine": engine,
        "pipeline": pipeline,
        "dataset": dataset,
        "protocol": options.protocol,
        "unit": options.unit,
        "seed": options.seed,
        "n": len(results),
        "max_clicks": cap,
        "accept_iou": options.accept_iou,
        **click_metrics(histories, cap, options.accept_iou),
        "miou_curve": [round(v, 6) for v in metrics.miou_curve(histories, cap)],
        "miou_initial": _finite(metrics.mean_initial_iou(histories)),
        "miou_input": _finite(_mean([r.input_iou for r in results if r.input_iou is not None])),
        f"iou_at_{DETAIL_AT}": _finite(_mean([metrics.iou_after(h, DETAIL_AT) for h in histories])),
        f"biou_at_{DETAIL_AT}": _finite(_mean_at(results, "boundary_ious", DETAIL_AT)),
        f"assd_at_{DETAIL_AT}": _finite(_mean_at(results, "assds", DETAIL_AT)),
        "biou_final": _finite(_mean_at(results, "boundary_ious", cap)),
        "assd_final": _finite(_mean_at(results, "assds", cap)),
        "seconds_per_click": _finite(_mean(seconds)),
        "seconds_per_click_p50": _finite(_percentile(seconds, 50)),
        "seconds_per_click_p95": _finite(_percentile(seconds, 95)),
        "prepare_seconds": _finite(_mean([r.prepare_seconds for r in results])),
        "per_class": _per_class(results, cap, options.accept_iou),
        "errors": [{"name": e.name, "class": e.label, "error": e.error} for e in errors],
        "per_sample": [_sample_record(result, cap) for result in results],
    }
    if options.protocol == "coarse":
        summary["coarse_level"] = options.coarse_level
    if options.protocol == "correction":
        summary["destroyed_correct"] = _finite(
            _mean([r.destroyed for r in results if r.destroyed is not None])
        )
    if options.protocol == "box":
        summary["box_jitter"] = options.box_jitter
    if options.unit == "scribble":
        summary.update({f"nos{round(t * 100)}": summary[f"noc{round(t * 100)}"] for t in THRESHOLDS})
    return summary


def _mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else math.nan


def _mean_at(results: Sequence[SampleResult], attribute: str, k: int) -> float:
    return _mean([_at(getattr(result, attribute), k) for result in results if getattr(result, attribute)])


def _per_class(
    results: Sequence[SampleResult], cap: int, accept_iou: float | None
) -> dict[str, dict[str, Any]]:
    by_label: dict[str, list[metrics.History]] = {}
    for result in results:
        by_label.setdefault(result.label, []).append(result.history)
    return {
        label: {"n": len(histories), **click_metrics(histories, cap, accept_iou)}
        for label, histories in sorted(by_label.items())
    }


def _sample_record(result: SampleResult, cap: int) -> dict[str, Any]:
    history = result.history
    return {
        "name": result.name,
        "class": result.label,
        "ious": [round(v, 6) for v in result.ious],
        "initial_iou": None if result.initial_iou is None else round(result.initial_iou, 6),
        "input_iou": None if result.input_iou is None else round(result.input_iou, 6),
        "destroyed": None if result.destroyed is None else round(result.destroyed, 6),
        "noc85": metrics.interactions_to_reach(history, 0.85, cap),
        "noc90": metrics.interactions_to_reach(history, 0.90, cap),
        "biou_final": _finite(_at(result.boundary_ious, cap)),
        "assd_final": _finite(_at(result.assds, cap)),
        "seconds": [round(s, 6) for s in result.seconds],
    }
