"""Click-to-mask round trip over the real WebSocket path, and the engine's own time per click.

Starts the app (uvicorn serving annotator.asgi) in its own process, and in ``--mode redis`` a
Celery worker process too; this process is only the client. Each click's round trip is timed
from sending the frame to receiving its ``mask`` frame; the server reports the engine's time
for that click (``engine_ms``), so platform overhead = round trip - engine time, per click.

    .venv/bin/python benchmarks/click_roundtrip.py --mode embedded --clicks 200
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maskloop_bench REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python benchmarks/click_roundtrip.py --mode redis --clicks 200
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.stats import summary  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def install_random_sam(weights_dir: Path, model_type: str) -> None:
    """Random weights under the official file name, in the benchmark's own temporary folder."""
    from benchmarks.random_sam import save_random_sam  # torch, only for SAM runs
    from inference.engines.sam.catalogue import CHECKPOINTS

    save_random_sam(weights_dir / CHECKPOINTS[model_type].filename, model_type)


def prepare_data(width: int, height: int, engine: str) -> dict[str, Any]:
    """Create a user, a project and a synthetic image through the real services."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from PIL import Image

    from annotator.images.services import image_upload
    from annotator.projects.services import label_class_create, project_create
    from inference.synthetic import make_scene

    user = User.objects.create_user(f"bench-{uuid.uuid4().hex[:8]}", password="bench")
    project = project_create(creator=user, name="benchmark", engine=engine)
    label_class = label_class_create(project=project, name="shape")
    scene = make_scene(width, height, objects=3, seed=11)
    buffer = io.BytesIO()
    Image.fromarray(scene.image).save(buffer, format="PNG")
    upload = SimpleUploadedFile("bench.png", buffer.getvalue(), content_type="image/png")
    image = image_upload(project=project, uploader=user, upload=upload)
    client = Client()
    client.force_login(user)
    return {
        "project_id": project.id,
        "image_id": image.id,
        "class_id": label_class.id,
        "cookie": f"sessionid={client.cookies['sessionid'].value}",
        "masks": scene.masks,
    }


def click_plan(masks: list[np.ndarray], count: int, seed: int) -> list[tuple[int, float, float, bool]]:
    """(object index, x, y, positive): positive clicks inside an object, some negatives outside."""
    rng = np.random.default_rng(seed)
    union = np.any(masks, axis=0)
    plan = []
    for i in range(count):
        obj = i // 10 % len(masks)
        positive = i % 10 in (0, 2, 4, 5, 7, 9)
        region = masks[obj] if positive else ~union
        ys, xs = np.nonzero(region)
        k = int(rng.integers(len(xs)))
        plan.append((obj, float(xs[k]), float(ys[k]), positive))
    return plan


async def run_clicks(url: str, origin: str, data: dict[str, Any], clicks: int) -> list[dict[str, float]]:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    records: list[dict[str, float]] = []
    async with connect(
        url, origin=Origin(origin), additional_headers={"Cookie": data["cookie"]}, max_size=None
    ) as ws:
        json.loads(await ws.recv())

        async def until(kind: str) -> dict[str, Any]:
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == kind:
                    return frame
                if frame["type"] == "error":
                    raise RuntimeError(frame)

        session_id = None
        for i, (_, x, y, positive) in enumerate(click_plan(data["masks"], clicks, seed=1)):
            if i % 10 == 0:  # a new object every 10 clicks, as an annotator would
                if session_id is not None:
                    await ws.send(
                        json.dumps({"type": "accept", "session_id": session_id, "event_id": f"a{i}"})
                    )
                    await until("accepted")
                await ws.send(
                    json.dumps({"type": "open", "image_id": data["image_id"], "class_id": data["class_id"]})
                )
                session_id = (await until("session"))["session_id"]
            frame = {"type": "click", "session_id": session_id, "event_id": f"c{i}", "x": x, "y": y,
                     "positive": positive}  # fmt: skip
            started = time.perf_counter()
            await ws.send(json.dumps(frame))
            mask = await until("mask")
            rtt = (time.perf_counter() - started) * 1000.0
            records.append(
                {"rtt_ms": rtt, "engine_ms": mask["engine_ms"], "prepare_ms": mask.get("prepare_ms", 0.0)}
            )
    return records


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=["embedded", "redis"], default="embedded")
    parser.add_argument("--clicks", type=int, default=200)
    parser.add_argument("--width", type=int, default=1155)
    parser.add_argument("--height", type=int, default=866)
    parser.add_argument("--warmup", type=int, default=5, help="clicks left out of the statistics")
    parser.add_argument(
        "--engine", default="grabcut", choices=["grabcut", "sam_vit_b", "sam_vit_l", "sam_vit_h"]
    )
    parser.add_argument("--json", type=Path, help="write the raw per-click records here")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="maskloop-bench-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="annotator.settings", MASKLOOP_VAR_DIR=str(workdir))
    env["MASKLOOP_WEIGHTS_DIR"] = str(workdir / "weights")
    if args.mode == "embedded":
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
    elif not (env.get("DATABASE_URL") and env.get("REDIS_URL")):
        parser.error("--mode redis needs DATABASE_URL and REDIS_URL")
    env["MASKLOOP_TASK_QUEUE"] = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ.clear()
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, stdout=sys.stderr
    )
    if args.engine.startswith("sam_"):
        install_random_sam(workdir / "weights", args.engine.removeprefix("sam_"))
    data = prepare_data(args.width, args.height, args.engine)

    port = free_port()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "annotator.asgi:application",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=sys.stderr,
        )  # fmt: skip
    ]
    if args.mode == "redis":
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "annotator",
                    "worker",
                    "--pool",
                    "solo",
                    "-Q",
                    env["MASKLOOP_TASK_QUEUE"],
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=env,
                stdout=sys.stderr,
            )  # fmt: skip
        )
    try:
        wait_for_port(port, processes[0])
        url = f"ws://127.0.0.1:{port}/ws/projects/{data['project_id']}/"
        records = asyncio.run(run_clicks(url, f"http://127.0.0.1:{port}", data, args.clicks + args.warmup))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)

    measured = records[args.warmup :]
    rtt = [r["rtt_ms"] for r in measured]
    engine = [r["engine_ms"] for r in measured]
    overhead = [r["rtt_ms"] - r["engine_ms"] for r in measured]
    result = {
        "mode": args.mode,
        "engine": args.engine,
        "image": f"{args.width}x{args.height}",
        "clicks": len(measured),
        "round_trip_ms": summary(rtt),
        "engine_ms": summary(engine),
        "overhead_ms": summary(overhead),
        "first_click_prepare_ms": records[0]["prepare_ms"],
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"summary": result, "records": records}, indent=1))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
