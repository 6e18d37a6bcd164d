"""Click-to-mask round trip over the real WebSocket path, and the engine's own time per click.

Starts the app (uvicorn serving annotator.asgi; ``--server daphne``: daphne, as the Docker image
does) in its own process, and in ``--mode redis`` a Celery worker process too; this process is
only the client. Each click's round trip is timed from sending the frame to receiving its
``mask`` frame; the server reports the engine's time for that click (``engine_ms``), so
platform overhead = round trip - engine time, per click.

    .venv/bin/python benchmarks/click_roundtrip.py --mode embedded --clicks 200
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maskloop_bench REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python benchmarks/click_roundtrip.py --mode redis --clicks 200

The server runs as deployed (``DJANGO_DEBUG`` off, so its database cursors record nothing;
``--debug`` for the development default). ``--arms off,on`` makes one project per arm on the
same server (online adaptation switched off, or on with the seed's complete method) and
alternates objects between them, so both arms are measured in one run under the same load;
``--think-ms`` is the annotator's pause before each click (not timed). ``--compile`` has the
server run SAM's decoder compiled by TorchInductor (``MASKLOOP_SAM_COMPILE``; it compiles while
the benchmark uploads its image).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.servers import free_port, wait_for_port  # noqa: E402
from benchmarks.stats import report, summary  # noqa: E402


def install_random_sam(weights_dir: Path, model_type: str) -> None:
    """Random weights under the official file name, in the benchmark's own temporary folder."""
    from benchmarks.random_sam import save_random_sam  # torch, only for SAM runs
    from inference.engines.sam.catalogue import CHECKPOINTS

    save_random_sam(weights_dir / CHECKPOINTS[model_type].filename, model_type)


ARMS = ("default", "off", "on")


def prepare_data(width: int, height: int, engine: str, arms: list[str]) -> dict[str, Any]:
    """Create a user, and per arm a project with a synthetic image, through the real services."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from PIL import Image

    from annotator.adaptation.services import project_adaptation_update
    from annotator.images.services import image_upload
    from annotator.projects.services import label_class_create, project_create
    from inference.synthetic import make_scene

    user = User.objects.create_user(f"bench-{uuid.uuid4().hex[:8]}", password="bench")
    scene = make_scene(width, height, objects=3, seed=11)
    buffer = io.BytesIO()
    Image.fromarray(scene.image).save(buffer, format="PNG")
    projects = []
    for arm in arms:
        project = project_create(creator=user, name=f"benchmark {arm}", engine=engine)
        if arm != "default":
            project_adaptation_update(project=project, user=user, changes={"enabled": arm == "on"})
        label_class = label_class_create(project=project, name="shape")
        upload = SimpleUploadedFile("bench.png", buffer.getvalue(), content_type="image/png")
        image = image_upload(project=project, uploader=user, upload=upload)
        projects.append(
            {"arm": arm, "project_id": project.id, "image_id": image.id, "class_id": label_class.id}
        )
    client = Client()
    client.force_login(user)
    return {
        "projects": projects,
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


class Arm:
    """One project's WebSocket and the object being outlined in it."""

    def __init__(self, ws: Any, project: dict[str, Any]) -> None:
        self.ws = ws
        self.project = project
        self.session_id: int | None = None

    async def until(self, kind: str) -> dict[str, Any]:
        """The next frame of ``kind``, with its size on the wire as ``_bytes``."""
        while True:
            raw = await self.ws.recv()
            frame = json.loads(raw)
            if frame["type"] == kind:
                frame["_bytes"] = len(raw)
                return frame
            if frame["type"] == "error":
                raise RuntimeError(frame)

    async def next_object(self, tag: str) -> None:
        if self.session_id is not None:
            await self.ws.send(
                json.dumps({"type": "accept", "session_id": self.session_id, "event_id": f"a{tag}"})
            )
            await self.until("accepted")
        opened = {"type": "open", "image_id": self.project["image_id"], "class_id": self.project["class_id"]}
        await self.ws.send(json.dumps(opened))
        self.session_id = (await self.until("session"))["session_id"]


async def run_clicks(
    base: str, origin: str, data: dict[str, Any], clicks: int, think_ms: float
) -> list[dict[str, Any]]:
    from contextlib import AsyncExitStack

    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    records: list[dict[str, Any]] = []
    async with AsyncExitStack() as stack:
        arms = []
        for project in data["projects"]:
            ws = await stack.enter_async_context(
                connect(
                    f"{base}/ws/projects/{project['project_id']}/",
                    origin=Origin(origin),
                    additional_headers={"Cookie": data["cookie"]},
                    max_size=None,
                )
            )
            json.loads(await ws.recv())
            arms.append(Arm(ws, project))
        for i, (_, x, y, positive) in enumerate(click_plan(data["masks"], clicks, seed=1)):
            # A new object every 10 clicks, as an annotator would; objects alternate between arms.
            arm = arms[i // 10 % len(arms)]
            if i % 10 == 0:
                await arm.next_object(str(i))
            frame = {"type": "click", "session_id": arm.session_id, "event_id": f"c{i}", "x": x, "y": y,
                     "positive": positive}  # fmt: skip
            await asyncio.sleep(think_ms / 1000.0)
            started = time.perf_counter()
            await arm.ws.send(json.dumps(frame))
            mask = await arm.until("mask")
            rtt = (time.perf_counter() - started) * 1000.0
            records.append(
                {
                    "arm": arm.project["arm"],
                    "click_in_object": i % 10,
                    "rtt_ms": rtt,
                    "engine_ms": mask["engine_ms"],
                    "prepare_ms": mask.get("prepare_ms", 0.0),
                    "frame_bytes": mask["_bytes"],
                }
            )
    return records


def arm_summary(measured: list[dict[str, Any]]) -> dict[str, Any]:
    rtt = [r["rtt_ms"] for r in measured]
    engine = [r["engine_ms"] for r in measured]
    overhead = [r["rtt_ms"] - r["engine_ms"] for r in measured]
    # The click after another in the same object: the one click adaptation could delay.
    following = [r["rtt_ms"] for r in measured if r["click_in_object"] > 0]
    return {
        "clicks": len(measured),
        "round_trip_ms": summary(rtt),
        "next_click_round_trip_ms": summary(following),
        "engine_ms": summary(engine),
        "overhead_ms": summary(overhead),
        # Large mask frames (a speckled mask from random SAM weights) cost encoding and transfer.
        "mask_frame_bytes": summary([float(r["frame_bytes"]) for r in measured]),
    }


def server_command(server: str, port: int) -> list[str]:
    """The ASGI server's command line: uvicorn, or daphne (what the Docker image runs)."""
    # The first open computes the embedding (and with --compile, compiles the decoder) in the
    # web process: longer than the servers' default ping timeouts (20 and 30 s).
    if server == "daphne":
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "--ping-timeout", "300",
                "-v", "0", "annotator.asgi:application"]  # fmt: skip
    return [sys.executable, "-m", "uvicorn", "annotator.asgi:application", "--port", str(port),
            "--ws-ping-timeout", "300", "--log-level", "warning"]  # fmt: skip


@contextmanager
def serving(
    mode: str,
    engine: str,
    arms: list[str],
    width: int,
    height: int,
    compiled: bool,
    debug: bool,
    server: str = "uvicorn",
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The app served as deployed, in its own processes (the ASGI server, and in ``redis`` mode a
    Celery worker on a queue of its own), with one project per arm; yields ``host:port`` and the
    data of ``prepare_data``. ``redis`` mode needs DATABASE_URL and REDIS_URL in the environment."""
    workdir = Path(tempfile.mkdtemp(prefix="maskloop-bench-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="annotator.settings", MASKLOOP_VAR_DIR=str(workdir))
    env["MASKLOOP_WEIGHTS_DIR"] = str(workdir / "weights")
    env["MASKLOOP_SAM_COMPILE"] = "true" if compiled else "false"
    # As deployed (docker/.env.example): DEBUG off, so the database cursors record nothing.
    env["DJANGO_DEBUG"] = "true" if debug else "false"
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    # Back to back with a fast engine, the clicks would outrun the socket's rate limit (20 frames a
    # second after a burst of 60) and a session's (4 model steps a second after 10), which no
    # person reaches: raised here; their checks still run.
    env.setdefault("MASKLOOP_SOCKET_RATE", "10000")
    env.setdefault("MASKLOOP_SESSION_MODEL_RATE", "10000")
    if mode == "embedded":
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
    env["MASKLOOP_TASK_QUEUE"] = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ.clear()
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, stdout=sys.stderr
    )
    if engine.startswith("sam_"):
        install_random_sam(workdir / "weights", engine.removeprefix("sam_"))
    data = prepare_data(width, height, engine, arms)
    port = free_port()
    processes = [subprocess.Popen(server_command(server, port), cwd=ROOT, env=env, stdout=sys.stderr)]
    if mode == "redis":
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
        yield f"127.0.0.1:{port}", data
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)


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
    parser.add_argument("--arms", default="default", help=f"comma separated, of {', '.join(ARMS)}")
    parser.add_argument("--think-ms", type=float, default=0.0, help="pause before each click, not timed")
    parser.add_argument(
        "--compile",
        action="store_true",
        help="SAM: the server runs the compiled decoder (MASKLOOP_SAM_COMPILE)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="serve with DJANGO_DEBUG on (the development default: every query is recorded)",
    )
    parser.add_argument(
        "--server",
        choices=["uvicorn", "daphne"],
        default="uvicorn",
        help="the ASGI server (the Docker image runs daphne)",
    )
    parser.add_argument("--json", type=Path, help="write the raw per-click records here")
    args = parser.parse_args()
    arms = args.arms.split(",")
    if not set(arms) <= set(ARMS) or len(set(arms)) != len(arms):
        parser.error(f"--arms takes distinct names of {', '.join(ARMS)}")

    if args.mode == "redis" and not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        parser.error("--mode redis needs DATABASE_URL and REDIS_URL")
    with serving(
        args.mode, args.engine, arms, args.width, args.height, args.compile, args.debug, args.server
    ) as (base, data):
        warm = args.clicks + args.warmup * len(arms)
        records = asyncio.run(run_clicks(f"ws://{base}", f"http://{base}", data, warm, args.think_ms))

    by_arm = {arm: [r for r in records if r["arm"] == arm][args.warmup :] for arm in arms}
    result: dict[str, Any] = {
        "mode": args.mode,
        "server": args.server,
        "engine": args.engine,
        "image": f"{args.width}x{args.height}",
        "think_ms": args.think_ms,
        "compiled_decoder": args.compile,
        "first_click_prepare_ms": records[0]["prepare_ms"],
        **(
            {"arms": {arm: arm_summary(measured) for arm, measured in by_arm.items()}}
            if len(arms) > 1
            else {}
        ),
        **(arm_summary(by_arm[arms[0]]) if len(arms) == 1 else {}),
    }
    if {"off", "on"} <= set(arms):
        on, off = result["arms"]["on"], result["arms"]["off"]
        result["next_click_on_over_off"] = {
            q: round(on["next_click_round_trip_ms"][q] / off["next_click_round_trip_ms"][q], 3)
            for q in ("p50", "p95")
        }
    report(result, records, args.json)


if __name__ == "__main__":
    main()
