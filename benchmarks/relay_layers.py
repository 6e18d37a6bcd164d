"""A relayed frame's way from a worker to a web process, through each of channels_redis's layers.

A receiving process (a consumer's channel in a session's group, as the annotation page's socket
joins it) and this process (a worker's relay: a synchronous caller handing ``group_send`` to a
long-lived event loop in a thread) share a clock (``time.monotonic``, system-wide on Linux).
Each frame carries its sending time, so the receiver measures one way, per frame. The layers
alternate frame by frame, so both are measured under the same load; ``--pause-ms`` is the
annotator's pause between frames, which lets the processes fall idle as they do between clicks.

    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python benchmarks/relay_layers.py --frames 150
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.stats import report, summary  # noqa: E402

LAYERS = ("core", "pubsub")
GROUP = "session.1"
# A mask frame of a later click, as the worker relays it (about 450 bytes on the wire).
FRAME: dict[str, Any] = {
    "type": "mask",
    "session_id": 1,
    "event_id": "0" * 36,
    "seq": 7,
    "kind": "click",
    "patch": {"bbox": [210, 130, 42, 37], "before": "a" * 150, "after": "b" * 150},
    "area": 20431,
    "step": 7,
    "steps": 7,
    "clicks": [[312.5, 200.0, True]] * 7,
    "scribbles": [],
    "candidates": 0,
    "choice": 0,
    "started_from": None,
    "engine_ms": 81.2,
}


def make_layer(name: str, url: str, prefix: str) -> Any:
    from channels_redis.core import RedisChannelLayer
    from channels_redis.pubsub import RedisPubSubChannelLayer

    if name == "core":
        # As the core layer was configured: no client timeout on its 5 s blocking pops.
        return RedisChannelLayer(hosts=[{"address": url, "socket_timeout": None}], prefix=prefix)
    return RedisPubSubChannelLayer(hosts=[url], prefix=prefix)


def receive(url: str, prefix: str, frames: int, ready: Any, results: Any) -> None:
    """The web process's side: join the group on every layer, time each frame's arrival."""

    async def main() -> None:
        layers = {name: make_layer(name, url, prefix) for name in LAYERS}
        channels = {}
        for name, layer in layers.items():
            channels[name] = await layer.new_channel()
            await layer.group_add(GROUP, channels[name])
        ready.set()

        async def drain(name: str) -> None:
            for _ in range(frames):
                message = await layers[name].receive(channels[name])
                results.put((name, (time.monotonic() - message["sent"]) * 1000.0))

        await asyncio.gather(*(drain(name) for name in LAYERS))

    asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--frames", type=int, default=150, help="frames per layer")
    parser.add_argument("--warmup", type=int, default=5, help="frames per layer left out of the statistics")
    parser.add_argument("--pause-ms", type=float, default=300.0, help="pause before each frame")
    parser.add_argument("--json", type=Path, help="write the raw per-frame records here")
    args = parser.parse_args()
    url = os.environ.get("REDIS_URL")
    if not url:
        parser.error("set REDIS_URL")
    prefix = f"relay-bench-{uuid.uuid4().hex[:8]}"

    ready = multiprocessing.Event()
    results: multiprocessing.Queue[tuple[str, float]] = multiprocessing.Queue()
    receiver = multiprocessing.Process(target=receive, args=(url, prefix, args.frames, ready, results))
    receiver.start()
    if not ready.wait(30):
        raise RuntimeError("the receiving process did not join the group")

    loop = asyncio.new_event_loop()  # the worker's relay loop (annotator.interactions.relay)
    threading.Thread(target=loop.run_forever, daemon=True).start()
    layers = {name: make_layer(name, url, prefix) for name in LAYERS}
    for _ in range(args.frames):
        for name in LAYERS:
            time.sleep(args.pause_ms / 1000.0)
            message = {"type": "session.message", "payload": FRAME, "sent": time.monotonic()}
            asyncio.run_coroutine_threadsafe(layers[name].group_send(GROUP, message), loop).result(10)

    records: list[dict[str, Any]] = []
    for _ in range(args.frames * 2):
        layer, one_way_ms = results.get(timeout=30)
        records.append({"layer": layer, "one_way_ms": one_way_ms})
    receiver.join(10)
    result: dict[str, Any] = {"frames": args.frames, "pause_ms": args.pause_ms}
    for name in LAYERS:
        measured = [float(r["one_way_ms"]) for r in records if r["layer"] == name][args.warmup :]
        result[name] = summary(measured)
    result["pubsub_over_core_p50"] = result["pubsub"]["p50"] / result["core"]["p50"]
    report(result, records, args.json)


if __name__ == "__main__":
    main()
