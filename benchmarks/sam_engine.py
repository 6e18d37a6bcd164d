"""SAM's own costs: encoder seconds per image, decoder milliseconds per click, peak memory.

Random weights of the real size (the arithmetic is that of the real checkpoint), saved and
loaded through the real checkpoint code. Clicks follow the standard robot on real objects of
coco_mval_dev, so prompts grow the way an annotator's do (first click with three masks, later
clicks with the previous logits as the mask input).

    .venv/bin/python benchmarks/sam_engine.py --model vit_b --images 5 --clicks 10
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
from inference.engines.sam.engine import load_sam_engine  # noqa: E402
from inference.evaluation.clicker import next_click  # noqa: E402
from inference.evaluation.datasets.registry import load_dataset  # noqa: E402
from inference.prompts import Prompts  # noqa: E402


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="vit_b", choices=["vit_b", "vit_l", "vit_h"])
    parser.add_argument("--dataset", type=Path, default=ROOT.parent / "shared/datasets/coco_mval_dev")
    parser.add_argument("--images", type=int, default=5)
    parser.add_argument("--clicks", type=int, default=10, help="robot clicks per object")
    parser.add_argument("--device", default=None)
    parser.add_argument("--bf16", action="store_true", help="decoder under bfloat16 autocast")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    device = torch.device(args.device) if args.device else default_device()
    with tempfile.TemporaryDirectory() as folder:
        checkpoint = save_random_sam(Path(folder) / f"random_{args.model}.pth", args.model)
        started = time.perf_counter()
        engine = load_sam_engine(str(checkpoint), args.model, str(device), decoder_bf16=args.bf16)
        load_s = time.perf_counter() - started
    after_load = peak_rss_mib()
    samples = load_dataset(args.dataset, "masks")[: args.images]
    encoder_s: list[float] = []
    decoder_ms: list[float] = []
    first_ms: list[float] = []
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
            started = time.perf_counter()
            mask = engine.predict(prepared, prompts, mask if k else None) >= 0.5
            (first_ms if k == 0 else decoder_ms).append((time.perf_counter() - started) * 1000.0)
        runs = engine.encoder_runs
        engine.predict(prepared, Prompts(clicks=prompts.clicks[:1]), None)  # a second session, same image
        assert engine.encoder_runs == runs, "a cached image ran the encoder again"
    result = {
        "model": args.model,
        "device": str(device),
        "decoder_bf16": args.bf16,
        "torch_threads": torch.get_num_threads(),
        "load_seconds": load_s,
        "encoder_seconds": summary(encoder_s),
        "first_click_ms": summary(first_ms),
        "decoder_click_ms": summary(decoder_ms),
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
