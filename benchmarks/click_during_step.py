"""How long a click made while its session's step runs waits for its ``ack``.

An annotator who clicks again before the previous click's mask has arrived (a quick second
click, or any click during a slow engine) should have it saved and acknowledged at once. Per
round, over the real WebSocket path: click A, then click B ``--gap-ms`` later, while A's step is
on the engine; B's ack is timed from sending B. Both masks are awaited before the next round; a
new object every ``--per-object`` rounds. The app is served as ``click_roundtrip.py`` serves it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maskloop_bench REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python benchmarks/click_during_step.py --mode redis --rounds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.click_roundtrip import Arm, serving  # noqa: E402
from benchmarks.stats import report, summary  # noqa: E402


async def frames_until(arm: Arm, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], float]:
    """Read frames until every (type, event_id) in ``wanted`` has come; when each came."""
    came: dict[tuple[str, str], float] = {}
    while not wanted <= came.keys():
        frame = json.loads(await arm.ws.recv())
        if frame["type"] == "error":
            raise RuntimeError(frame)
        key = (frame["type"], str(frame.get("event_id")))
        if key in wanted:
            came.setdefault(key, time.perf_counter())
    return came


async def run_rounds(
    base: str, data: dict[str, Any], rounds: int, gap_ms: float, per_object: int
) -> list[dict]:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    project = data["projects"][0]
    rng = np.random.default_rng(1)
    records = []
    async with connect(
        f"ws://{base}/ws/projects/{project['project_id']}/",
        origin=Origin(f"http://{base}"),
        additional_headers={"Cookie": data["cookie"]},
        max_size=None,
    ) as ws:
        json.loads(await ws.recv())
        arm = Arm(ws, project)
        for i in range(rounds):
            mask = data["masks"][i // per_object % len(data["masks"])]
            if i % per_object == 0:
                await arm.next_object(str(i))
            ys, xs = np.nonzero(mask)
            a, b = (int(k) for k in rng.integers(len(xs), size=2))
            clicks = []
            for tag, k in ((f"a{i}", a), (f"b{i}", b)):
                clicks.append(
                    {"type": "click", "session_id": arm.session_id, "event_id": tag, "x": float(xs[k]),
                     "y": float(ys[k]), "positive": True}
                )  # fmt: skip
            sent_a = time.perf_counter()
            await ws.send(json.dumps(clicks[0]))
            await asyncio.sleep(gap_ms / 1000.0)
            sent_b = time.perf_counter()
            await ws.send(json.dumps(clicks[1]))
            came = await frames_until(
                arm, {("ack", f"a{i}"), ("ack", f"b{i}"), ("mask", f"a{i}"), ("mask", f"b{i}")}
            )
            records.append(
                {
                    "ack_b_ms": (came[("ack", f"b{i}")] - sent_b) * 1000.0,
                    "mask_a_ms": (came[("mask", f"a{i}")] - sent_a) * 1000.0,
                }
            )
    return records


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=["embedded", "redis"], default="redis")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=3, help="rounds left out of the statistics")
    parser.add_argument("--gap-ms", type=float, default=15.0, help="from sending click A to sending click B")
    parser.add_argument("--per-object", type=int, default=5, help="rounds per object")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--json", type=Path, help="write the raw per-round records here")
    args = parser.parse_args()
    if args.mode == "redis" and not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        parser.error("--mode redis needs DATABASE_URL and REDIS_URL")
    with serving(args.mode, "grabcut", ["default"], args.width, args.height, False, False) as (base, data):
        records = asyncio.run(run_rounds(base, data, args.rounds + args.warmup, args.gap_ms, args.per_object))
    measured = records[args.warmup :]
    result = {
        "mode": args.mode,
        "gap_ms": args.gap_ms,
        "rounds": len(measured),
        "ack_of_click_made_during_step_ms": summary([r["ack_b_ms"] for r in measured]),
        "mask_of_first_click_ms": summary([r["mask_a_ms"] for r in measured]),
    }
    report(result, records, args.json)


if __name__ == "__main__":
    main()
