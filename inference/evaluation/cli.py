"""``python -m inference.evaluation``: run a protocol on a dataset and report the seeds' metrics."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from inference.engines import available_engines
from inference.evaluation.coarse import COARSE_LEVELS
from inference.evaluation.datasets import LAYOUTS, Sample, load_dataset
from inference.evaluation.plot import plot_curves
from inference.evaluation.protocols import PROTOCOLS, ProtocolOptions
from inference.evaluation.report import summarise
from inference.evaluation.runner import EngineSpec, evaluate
from inference.pipelines import available_pipelines

_KEYWORDS: dict[str, Any] = {"true": True, "false": False, "none": None}


def _option_value(text: str) -> Any:
    """An engine option's value: a keyword (true, false, none), a number, or the text itself."""
    if text.lower() in _KEYWORDS:
        return _KEYWORDS[text.lower()]
    number = re.fullmatch(r"[+-]?\d+", text)
    if number:
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def _engine_option(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.replace("-", "_"), _option_value(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m inference.evaluation", description=__doc__)
    parser.add_argument("--dataset", type=Path, required=True, help="dataset root folder")
    parser.add_argument("--format", choices=LAYOUTS, default="masks", help="dataset layout")
    parser.add_argument(
        "--classes", type=Path, help="CSV with name,class columns (default: file-name prefix)"
    )
    parser.add_argument("--min-area", type=int, default=0, help="leave out objects with fewer pixels")
    parser.add_argument("--engine", choices=available_engines(), default="grabcut")
    parser.add_argument("--checkpoint", type=Path, help="model weights, for engines that take them")
    parser.add_argument(
        "--engine-option",
        type=_engine_option,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="keyword option for the engine (repeatable), e.g. max_side=480",
    )
    parser.add_argument("--pipeline", choices=available_pipelines(), default="plain")
    parser.add_argument("--protocol", choices=PROTOCOLS, default="clicks")
    parser.add_argument("--max-clicks", type=int, default=20, help="interaction cap (NoC_n, FR_n)")
    parser.add_argument(
        "--coarse-level", type=int, default=1, help=f"1..{len(COARSE_LEVELS)}: {COARSE_LEVELS}"
    )
    parser.add_argument("--box-jitter", type=float, default=0.0, help="box size jitter as a fraction")
    parser.add_argument("--limit", type=int, help="evaluate only the first N objects")
    parser.add_argument("--limit-per-class", type=int, help="evaluate only the first N objects of each class")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--by-class", action="store_true", help="objects of one class in a row")
    parser.add_argument(
        "--adapt",
        metavar="VARIANT",
        help="online adaptation of SAM's decoder per class (seed 004), with --by-class: "
        "full (ca=r,rm=e,cm), none, or parts ca=r|c, rm=u|e, cm, lr=, k=",
    )
    parser.add_argument(
        "--accept-iou",
        type=float,
        help="the robot stops and accepts at this IoU (default with --adapt: 0.85)",
    )
    parser.add_argument("--label", help="name of this run in the plot legend")
    parser.add_argument("--json", type=Path, help="write the summary here")
    parser.add_argument("--plot", type=Path, help="write mean IoU against clicks here (PNG)")
    parser.add_argument(
        "--compare", type=Path, nargs="*", default=[], help="earlier JSON runs to plot beside"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def first_per_class(samples: list[Sample], per_class: int) -> list[Sample]:
    """The first ``per_class`` objects of every class, in dataset order (a balanced quick subset)."""
    seen: dict[str, int] = {}
    kept = []
    for sample in samples:
        if seen.get(sample.label, 0) < per_class:
            seen[sample.label] = seen.get(sample.label, 0) + 1
            kept.append(sample)
    return kept


def _notation(variant: str | None) -> str | None:
    if variant is None:
        return None
    from inference.adaptation.adapter import AdaptationConfig  # torch, only when adapting

    return AdaptationConfig.parse(variant).notation()


def _shown(value: float | None, form: str) -> str:
    """A metric, or n/a where the run could not measure it (above the accept IoU)."""
    return "n/a" if value is None else format(value, form)


def headline(summary: dict[str, Any]) -> str:
    unit = "NoS" if summary["unit"] == "scribble" else "NoC"
    cap = summary["max_clicks"]
    adapted = f", adaptation {summary['adaptation']}" if summary.get("adaptation") else ""
    parts = [
        f"{summary['engine']}/{summary['pipeline']} on {summary['dataset']} "
        f"({summary['protocol']}, n={summary['n']}{adapted})",
        "  ".join(f"{unit}@{t} {_shown(summary[f'noc{t}'], '.2f')}" for t in (85, 90, 95)),
        f"NoF@85 {summary['nof85']}  NoF@90 {_shown(summary['nof90'], 'd')}  FR{cap}@85 "
        f"{_shown(summary['fr_85'], '.1f')}%  FR{cap}@90 {_shown(summary['fr_90'], '.1f')}%",
        f"{1000 * (summary['seconds_per_click'] or 0):.1f} ms per {summary['unit']} "
        f"(p95 {1000 * (summary['seconds_per_click_p95'] or 0):.1f} ms)",
    ]
    if summary["miou_initial"] is not None:
        parts.append(f"mIoU of the start: {summary['miou_initial']:.4f}")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    options_kw = dict(args.engine_option)
    if args.checkpoint is not None:
        options_kw["checkpoint"] = str(args.checkpoint)
    try:
        options = ProtocolOptions(
            protocol=args.protocol,
            max_clicks=args.max_clicks,
            seed=args.seed,
            coarse_level=args.coarse_level,
            box_jitter=args.box_jitter,
            accept_iou=args.accept_iou if args.accept_iou is not None or not args.adapt else 0.85,
        )
        spec = EngineSpec(name=args.engine, options=options_kw, pipeline=args.pipeline, adaptation=args.adapt)
        if args.adapt is not None and not args.by_class:
            raise ValueError("--adapt runs class by class: add --by-class")
        spec.learners(spec.build())
        samples = load_dataset(args.dataset, args.format, args.classes, args.min_area)
        earlier = [json.loads(path.read_text()) for path in args.compare]
    except (ValueError, OSError) as exc:
        parser.error(str(exc))
    if args.limit_per_class is not None:
        samples = first_per_class(samples, args.limit_per_class)
    if args.limit is not None:
        samples = samples[: args.limit]
    outcome = evaluate(
        samples, spec, options, workers=args.workers, by_class=args.by_class, progress=not args.quiet
    )
    summary = summarise(
        outcome.results,
        outcome.errors,
        options,
        engine=args.engine,
        pipeline=args.pipeline,
        dataset=str(args.dataset),
    )
    summary["engine_options"] = options_kw
    summary["by_class"] = args.by_class
    summary["adaptation"] = _notation(args.adapt)
    summary["workers"] = args.workers
    if args.label:
        summary["label"] = args.label
    for error in outcome.errors:
        print(f"skipped {error.name}: {error.error}", file=sys.stderr)
    print(headline(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1) + "\n")
    if args.plot:
        plot_curves([*earlier, summary], args.plot)
    return 0 if outcome.results else 1
