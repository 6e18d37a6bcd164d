"""SAM's own costs: encoder seconds per image, decoder milliseconds per click, peak memory.

Random weights of the real size (the arithmetic is that of the real checkpoint), saved and
loaded through the real checkpoint code. Clicks follow the standard robot on real objects of
coco_mval_dev, so prompts grow the way an annotator's do (first click with three masks, later
clicks with the previous logits as the mask input).

``--variants`` times several ways of running the decoder in one process on the same clicks
(the eager variant's masks steer the robot), each click timed by every variant in turn, so
their ratios come from one run: ``eager``, ``bf16`` (bfloat16 autocast), ``compiled``
(TorchInductor) and ``compiled_bf16``.

    .venv/bin/python benchmarks/sam_engine.py --model vit_b --images 5 --clicks 10
    .venv/bin/python benchmarks/sam_engine.py --images 8 --clicks 10 --variants eager,compiled,compiled_bf16
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.random_sam import save_random_sam  # noqa: E402
from benchmarks.stats import summary  # noqa: E402
from inference.engines.sam.checkpoint import default_device  # noqa: E402
from inference.engines.sam.engine import SamEngine, load_sam_engine  # noqa: E402
from inference.engines.sam.image import SamImage  # noqa: E402
from inference.evaluation.clicker import next_click  # noqa: E402
from inference.evaluation.datasets.registry import load_dataset  # noqa: E402
from inference.prompts import Prompts  # noqa: E402

VARIANTS = {
    "eager": {"decoder_bf16": False, "compile_decoder": False},
    "bf16": {"decoder_bf16": True, "compile_decoder": False},
    "compiled": {"decoder_bf16": False, "compile_decoder": True},
    "compiled_bf16": {"decoder_bf16": True, "compile_decoder": True},
}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def variant_engines(base: SamEngine, names: list[str]) -> tuple[dict[str, SamEngine], dict[str, float]]:
    """One engine per variant over the same model; compiled ones are warmed up (timed)."""
    engines, warm_up_s = {}, {}
    for name in names:
        engine = SamEngine(base.model, model_id=base.model_id, **VARIANTS[name])
        started = time.perf_counter()
        if engine.compile_decoder:
            engine.warm_up()
            if not engine.compile_decoder:
                raise SystemExit(f"{name}: compiling failed (see the log)")
        warm_up_s[name] = time.perf_counter() - started
        engines[name] = engine
    return engines, warm_up_s


def timed(
    engine: SamEngine, prepared: SamImage, prompts: Prompts, previous: np.ndarray | None, device: torch.device
) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    mask = engine.predict(prepared, prompts, previous) >= 0.5
    if device.type == "cuda":
        torch.cuda.synchronize()
    return mask, (time.perf_counter() - started) * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="vit_b", choices=["vit_b", "vit_l", "vit_h"])
    parser.add_argument("--dataset", type=Path, default=ROOT.parent / "shared/datasets/coco_mval_dev")
    parser.add_argument("--images", type=int, default=5)
    parser.add_argument("--clicks", type=int, default=10, help="robot clicks per object")
    parser.add_argument("--device", default=None)
    parser.add_argument("--variants", default="eager", help=f"comma-separated, of {', '.join(VARIANTS)}")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    names = args.variants.split(",")
    unknown = set(names) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants: {', '.join(sorted(unknown))}")

    device = torch.device(args.device) if args.device else default_device()
    with tempfile.TemporaryDirectory() as folder:
        checkpoint = save_random_sam(Path(folder) / f"random_{args.model}.pth", args.model)
        started = time.perf_counter()
        engine = load_sam_engine(str(checkpoint), args.model, str(device))
        load_s = time.perf_counter() - started
    after_load = peak_rss_mib()
    engines, warm_up_s = variant_engines(engine, names)
    samples = load_dataset(args.dataset, "masks")[: args.images]
    encoder_s: list[float] = []
    decoder_ms: dict[str, list[float]] = {name: [] for name in names}
    first_ms: dict[str, list[float]] = {name: [] for name in names}
    turn = 0
    for sample in samples:
        loaded = sample.load()
        started = time.perf_counter()
        prepared = engine.prepare(loaded.image)
        if device.type == "cuda":
            torch.cuda.synchronize()
        encoder_s.append(time.perf_counter() - started)
        prompts, mask = Prompts(), np.zeros_like(loaded.mask)
        for k in range(args.clicks):
            click = next_click(loaded.mask, mask, loaded.ignore, clicked=prompts.clicks)
            if click is None:
                break
            prompts = prompts.with_click(click)
            previous = mask if k else None
            answers = {}
            turn += 1
            for name in names[turn % len(names) :] + names[: turn % len(names)]:
                answers[name], ms = timed(engines[name], prepared, prompts, previous, device)
                (first_ms if k == 0 else decoder_ms)[name].append(ms)
            mask = answers[names[0]]
        runs = engine.encoder_runs
        engine.predict(prepared, Prompts(clicks=prompts.clicks[:1]), None)  # a second session, same image
        assert engine.encoder_runs == runs, "a cached image ran the encoder again"
    reference = names[0]
    result = {
        "model": args.model,
        "device": str(device),
        "torch_threads": torch.get_num_threads(),
        "load_seconds": load_s,
        "warm_up_seconds": warm_up_s,
        "encoder_seconds": summary(encoder_s),
        "first_click_ms": {name: summary(first_ms[name]) for name in names},
        "decoder_click_ms": {name: summary(decoder_ms[name]) for name in names},
        f"decoder_click_ratio_to_{reference}": {
            name: {
                q: summary(decoder_ms[name])[q] / summary(decoder_ms[reference])[q] for q in ("p50", "p95")
            }
            for name in names
        },
        "peak_rss_mib_after_load": after_load,
        "peak_rss_mib": peak_rss_mib(),
        "peak_cuda_mib": torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else None,
        "embedding_bytes": prepared.nbytes,
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)


if __name__ == "__main__":
    main()
