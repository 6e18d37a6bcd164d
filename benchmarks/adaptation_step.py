"""The cost of adapting a class decoder online (seed 004): forward, backward plus Adam step,
bytes per class decoder, and the time to save and load one version.

Random weights of the real size, saved and loaded through the real checkpoint code; one real
image of coco_mval_dev with the robot's clicks on its object.

    .venv/bin/python benchmarks/adaptation_step.py --model vit_b --runs 30
"""

from __future__ import annotations

import argparse
import io
import json
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
from inference.adaptation.adapter import ClassDecoder, adam_step  # noqa: E402
from inference.adaptation.labels import click_label  # noqa: E402
from inference.engines.sam.checkpoint import default_device  # noqa: E402
from inference.engines.sam.engine import load_sam_engine  # noqa: E402
from inference.evaluation.clicker import next_click  # noqa: E402
from inference.evaluation.datasets.registry import load_dataset  # noqa: E402
from inference.prompts import Prompts  # noqa: E402


def timed(function: object, device: torch.device) -> float:
    started = time.perf_counter()
    function()  # type: ignore[operator]
    if device.type == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - started) * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="vit_b", choices=["vit_b", "vit_l", "vit_h"])
    parser.add_argument("--dataset", type=Path, default=ROOT.parent / "shared/datasets/coco_mval_dev")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--clicks", type=int, default=3, help="robot clicks in the prompt")
    parser.add_argument("--device", default=None)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    device = torch.device(args.device) if args.device else default_device()
    with tempfile.TemporaryDirectory() as folder:
        checkpoint = save_random_sam(Path(folder) / f"random_{args.model}.pth", args.model)
        engine = load_sam_engine(str(checkpoint), args.model, str(device))
    loaded = load_dataset(args.dataset, "masks")[0].load()
    prepared = engine.prepare(loaded.image)
    prompts, mask = Prompts(), np.zeros_like(loaded.mask)
    for _ in range(args.clicks):
        click = next_click(loaded.mask, mask, loaded.ignore, clicked=prompts.clicks)
        if click is None:
            break
        prompts = prompts.with_click(click)
        mask = engine.predict(prepared, prompts, None) >= 0.5
    label = click_label(prompts.clicks, *loaded.mask.shape)
    target = ClassDecoder.from_engine(engine)

    def forward() -> None:
        with torch.no_grad():
            engine.decoder_logits(prepared, prompts, target.decoder)

    def step() -> None:
        adam_step(engine, target.decoder, target.optimizer, prepared, prompts, label)

    for _ in range(3):  # warm-up
        forward()
        step()
    forward_ms = [timed(forward, device) for _ in range(args.runs)]
    step_ms = [timed(step, device) for _ in range(args.runs)]
    blobs: list[bytes] = []

    def save() -> None:
        stored = io.BytesIO()
        torch.save(target.state(), stored)
        blobs.append(stored.getvalue())

    save_ms = [timed(save, device) for _ in range(args.runs)]
    load_ms = [
        timed(lambda: target.load_state(torch.load(io.BytesIO(blobs[-1]), weights_only=True)), device)
        for _ in range(args.runs)
    ]
    weights = io.BytesIO()
    torch.save(target.decoder.state_dict(), weights)
    result = {
        "model": args.model,
        "device": str(device),
        "torch_threads": torch.get_num_threads(),
        "image": list(loaded.mask.shape),
        "decoder_parameters": sum(p.numel() for p in target.decoder.parameters()),
        "bytes_weights": len(weights.getvalue()),
        "bytes_weights_and_adam": len(blobs[-1]),
        "forward_ms": summary(forward_ms),
        "backward_and_adam_ms": summary(step_ms),
        "save_ms": summary(save_ms),
        "load_ms": summary(load_ms),
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)


if __name__ == "__main__":
    main()
