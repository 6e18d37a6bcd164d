"""What the socket's limits add to reading one frame: the consumer's steps before ``protocol.parse``
(size, token bucket, JSON, stroke points) against the ``json.loads`` it did alone before, on the
frames the page sends most (a click, and a brush stroke of 2000 points). The bucket never runs
dry here, so every frame takes the whole path.

    .venv/bin/python benchmarks/socket_frame_checks.py
"""

from __future__ import annotations

import json
import os
import sys
import timeit
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")

import django  # noqa: E402

django.setup()

from annotator.interactions import frame_limits  # noqa: E402

FRAMES = {
    "click": {
        "type": "click",
        "session_id": 12,
        "event_id": "0b6f1c1e-8d0a-4c43-9a51-3c1f8e5e2f7a",
        "seq": 17,
        "x": 312.5,
        "y": 204.25,
        "positive": True,
    },
    "brush, 2000 points": {
        "type": "brush",
        "session_id": 12,
        "event_id": "0b6f1c1e-8d0a-4c43-9a51-3c1f8e5e2f7b",
        "seq": 18,
        "points": [[10 + i * 0.3137, 20 + i * 0.1913] for i in range(2000)],
        "size": 9,
        "erase": False,
    },
}


def best_us(call: Any, number: int) -> float:
    return min(timeit.repeat(call, number=number, repeat=5)) / number * 1e6


def main() -> None:
    limits = frame_limits.FrameLimits.from_settings()
    bucket = frame_limits.TokenBucket(burst=10**12, per_second=1e12)
    result: dict[str, Any] = {}
    for name, frame in FRAMES.items():
        text = json.dumps(frame)

        def checked(text: str = text) -> None:
            limits.check_size(text, None)
            bucket.take()
            limits.check_stroke(frame_limits.decode(text))

        number = 200_000 if len(text) < 1000 else 500
        before, after = best_us(lambda text=text: json.loads(text), number), best_us(checked, number)
        result[name] = {
            "bytes": len(text),
            "json_loads_us": round(before, 2),
            "with_limits_us": round(after, 2),
            "added_us": round(after - before, 2),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
