"""Robot annotators on real photos against the production shape, under load and under faults.

The app runs as deployed, in processes of its own: uvicorn, Celery workers (two by default,
each with its own queue for session affinity), PostgreSQL and Redis. Each robot annotator
(``benchmarks/robot_annotator.py``) is a user with a page open over the real WebSocket,
outlining COCO MVal objects (``../shared/datasets/coco_mval_dev``, 640×480-ish photos) with the
standard robot clicker and a think time before each click, and keeping the page's rules for
silence, resends and reconnects.

Scenarios (``--scenarios``, comma separated):

- ``load``: ``--levels`` robots in turn (one server and worker set), ``--seconds`` each;
- ``kill``: a worker killed (``kill -9``) ``--fault-at`` seconds in;
- ``stop``: a worker frozen (SIGSTOP) for ``--stop-seconds`` while its sessions' steps run, then
  let go (SIGCONT);
- ``flood``: one more page sends ``--flood-clicks`` clicks at once (as fast as the socket
  takes them) while the robots work;
- ``outage``: every process reaches Redis through a proxy that is cut for ``--outage-seconds``.

Each fault hits the worker serving the most sessions; robots are counted as hit when their
session was pinned to it then (``outage``: every robot; ``flood``: the robots sharing the flooding
page's worker; the flood itself is reported on its own). Per
scenario it reports sent, answered, lost (never answered), answered twice, the database's
checks (each saved object equal to the mask its page last showed; each session's applied
clicks equal to the clicks its page saw answered; events left pending), round trips
(p50/p95/p99/max) for the hit robots and the others, and each process's CPU (cores in use).

    createdb -h 127.0.0.1 -U postgres maskloop_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maskloop_bench REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python benchmarks/load_faults.py --json /tmp/load_faults.json
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.app_stack import Stack, app_stack  # noqa: E402
from benchmarks.fault_probes import busiest_worker, freeze_inside_step, worker_of  # noqa: E402
from benchmarks.load_results import result_of  # noqa: E402
from benchmarks.robot_annotator import Robot, RobotLog, RobotObject  # noqa: E402
from benchmarks.stats import report  # noqa: E402

DATASET = ROOT.parent / "shared" / "datasets" / "coco_mval_dev"
SCENARIOS = ("load", "kill", "stop", "flood", "outage")


@dataclass
class Data:
    project_id: int
    class_id: int
    cookies: list[str]
    objects: list[RobotObject]


def prepare(robots: int, images: int, dataset: Path) -> Data:
    """A GrabCut project with ``images`` photos of distinct objects and ``robots`` annotators."""
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from PIL import Image

    from annotator.images.services import image_upload
    from annotator.projects.member_services import member_add
    from annotator.projects.services import label_class_create, project_create

    owner = User.objects.create_user(f"bench-{secrets.token_hex(4)}", password="bench", is_staff=True)
    project = project_create(creator=owner, name=f"load {secrets.token_hex(3)}", engine="grabcut")
    label_class = label_class_create(project=project, name="object")
    photos: set[str] = set()
    objects: list[RobotObject] = []
    for gt_path in sorted((dataset / "gt").glob("*.png")):
        photo = gt_path.stem.rsplit("_", 1)[1]
        if photo in photos:
            continue
        photos.add(photo)
        data = (dataset / "img" / f"{gt_path.stem}.jpg").read_bytes()
        upload = SimpleUploadedFile(f"{gt_path.stem}.jpg", data, content_type="image/jpeg")
        image = image_upload(project=project, uploader=owner, upload=upload)
        truth = np.asarray(Image.open(gt_path).convert("L")) > 127
        objects.append(RobotObject(image_id=image.id, ground_truth=truth))
        if len(objects) == images:
            break
    cookies = []
    for index in range(robots):
        user = User.objects.create_user(f"robot-{secrets.token_hex(4)}-{index}", password="bench")
        member_add(project=project, who=user.username, role="annotator")
        client = Client()
        client.force_login(user)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    return Data(project.id, label_class.id, cookies, objects)


def robots_for(stack: Stack, data: Data, count: int, args: argparse.Namespace, first: int = 0) -> list[Robot]:
    robots = []
    for index in range(first, first + count):
        # Each robot starts on a different photo and goes round them all.
        shift = index * 7 % len(data.objects)
        robots.append(
            Robot(
                f"robot{index}",
                f"ws://{stack.base}/ws/projects/{data.project_id}/",
                f"http://{stack.base}",
                data.cookies[index],
                data.class_id,
                data.objects[shift:] + data.objects[:shift],
                think_s=args.think_ms / 1000.0,
                resync_s=args.resync_ms / 1000.0,
                max_clicks=args.max_clicks,
                seed=index,
            )
        )
    return robots


async def run_robots(
    robots: list[Robot],
    seconds: float,
    drain: float,
    tag: str,
    fault: Callable[[], Awaitable[dict[str, Any]]] | None,
) -> tuple[list[RobotLog], dict[str, Any]]:
    stop_at = time.monotonic() + seconds
    runs = [asyncio.create_task(robot.run(stop_at, f"{tag}{i}-")) for i, robot in enumerate(robots)]
    fault_info: dict[str, Any] = {}
    if fault is not None:
        fault_info = await fault()
    done, late = await asyncio.wait(runs, timeout=seconds + drain)
    for task in late:
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
    return [robot.log for robot in robots], fault_info or {}


def base_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="annotator.settings", MASKLOOP_VAR_DIR=str(workdir))
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env["DJANGO_DEBUG"] = "false"
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    return env


async def load_levels(args: argparse.Namespace, workdir: Path) -> list[dict[str, Any]]:
    data = prepare(max(args.levels), args.images, args.dataset)
    results = []
    with app_stack(base_env(workdir), args.workers, workdir) as stack:
        for level in args.levels:
            robots = robots_for(stack, data, level, args)
            before, started = stack.cpu(), time.monotonic()
            logs, _ = await run_robots(robots, args.seconds, args.drain, f"l{level}-", None)
            wall = time.monotonic() - started
            await asyncio.sleep(2)  # the last steps' commits
            result = await asyncio.to_thread(
                result_of, logs, set(), None, before, stack.cpu(), wall, data.project_id
            )
            results.append({"scenario": "load", "robots": level, **result})
            print(f"load {level}: {result['round_trip_ms']}", file=sys.stderr)
    return results


async def fault_run(args: argparse.Namespace, workdir: Path, scenario: str) -> dict[str, Any]:
    from tests.annotator.interactions.tcp_proxy import TcpProxy

    robots_count = args.fault_robots
    data = prepare(robots_count + 1, args.images, args.dataset)
    env = base_env(workdir)
    proxy = None
    if scenario == "outage":
        redis = urlparse(env["REDIS_URL"])
        proxy = TcpProxy((redis.hostname or "127.0.0.1", redis.port or 6379))
        proxy.restore()
        env["REDIS_URL"] = redis._replace(netloc=f"127.0.0.1:{proxy.port}").geturl()
    hit: set[str] = set()
    window: list[float] = [0.0, 0.0]
    with app_stack(env, args.workers, workdir) as stack:
        robots = robots_for(stack, data, robots_count, args)
        flooder = robots_for(stack, data, 1, args, first=robots_count)[0] if scenario == "flood" else None

        async def fault() -> dict[str, Any]:
            if flooder is not None:
                flood_session = await flooder.flood_open(data.objects[-1], "flood-")
            await asyncio.sleep(args.fault_at)
            name, sessions = await asyncio.to_thread(busiest_worker, stack)
            if flooder is not None:
                name, sessions = await asyncio.to_thread(worker_of, flood_session)
            window[0] = time.monotonic()
            info: dict[str, Any] = {"worker": name, "sessions_on_it": len(sessions)}
            hit.update(robot.name for robot in robots if robot.session_id in sessions)
            if scenario == "kill":
                stack.kill(name)
                window[1] = time.monotonic() + args.seconds
            elif scenario == "stop":
                info["frozen_inside_a_step"] = await asyncio.to_thread(freeze_inside_step, stack, name)
                await asyncio.sleep(args.stop_seconds)
                stack.thaw(name)
                window[1] = time.monotonic() + args.resync_ms / 1000.0
            elif scenario == "outage" and proxy is not None:
                hit.update(robot.name for robot in robots)
                proxy.cut()
                await asyncio.sleep(args.outage_seconds)
                proxy.restore()
                window[1] = time.monotonic() + args.resync_ms / 1000.0
            elif scenario == "flood" and flooder is not None:
                flood = await flooder.flood(args.flood_clicks)
                window[1] = time.monotonic()
                info["flood"] = {
                    "clicks": args.flood_clicks,
                    "seconds_to_last_answer": round(flood, 2),
                    "answered": flooder.log.answered,
                    "lost": len(flooder.log.unanswered),
                    "answered_twice": flooder.log.second_answers,
                    "frames_refused_for_the_rate": flooder.log.errors.get("rate_limited", 0),
                }
            return info

        before, started = stack.cpu(), time.monotonic()
        logs, info = await run_robots(robots, args.seconds, args.drain, f"{scenario}-", fault)
        wall = time.monotonic() - started
        await asyncio.sleep(2)
        result = await asyncio.to_thread(
            result_of, logs, hit, (window[0] - 1.0, window[1]), before, stack.cpu(), wall, data.project_id
        )
    if proxy is not None:
        proxy.cut()
    summary = {"scenario": scenario, "robots": robots_count, "fault": info, "robots_hit": len(hit), **result}
    print(
        f"{scenario}: {summary['round_trip_ms_hit']} / others {summary['round_trip_ms_others']}",
        file=sys.stderr,
    )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--levels", default="1,2,4,6,8", help="robots per load level")
    parser.add_argument("--seconds", type=float, default=60.0, help="per level or fault run")
    parser.add_argument(
        "--drain", type=float, default=60.0, help="after a run, to finish the objects in hand"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think-ms", type=float, default=2000.0, help="mean pause before each click")
    parser.add_argument("--max-clicks", type=int, default=5, help="clicks per object at most")
    parser.add_argument("--resync-ms", type=float, default=15000.0, help="the page's MASKLOOP_PAGE_RESYNC_MS")
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--fault-robots", type=int, default=6)
    parser.add_argument("--fault-at", type=float, default=15.0)
    parser.add_argument("--stop-seconds", type=float, default=30.0)
    parser.add_argument("--outage-seconds", type=float, default=10.0)
    parser.add_argument("--flood-clicks", type=int, default=1000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.levels = [int(v) for v in args.levels.split(",")]
    scenarios = args.scenarios.split(",")
    if not set(scenarios) <= set(SCENARIOS):
        parser.error(f"--scenarios takes names of {', '.join(SCENARIOS)}")
    if not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")):
        parser.error("needs DATABASE_URL (PostgreSQL) and REDIS_URL: the production shape")

    import subprocess

    import django

    workdir = Path(tempfile.mkdtemp(prefix="maskloop-load-"))
    os.environ.update(base_env(workdir))
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, stdout=sys.stderr)
    # Set-up (users, photos, waiting for the workers) calls the ORM from the event loop before
    # any robot starts; the robots' own waits never touch the database.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    django.setup()

    async def everything() -> list[dict[str, Any]]:
        results = []
        for scenario in scenarios:
            if scenario == "load":
                results += await load_levels(args, workdir)
            else:
                results.append(await fault_run(args, workdir, scenario))
        return results

    results = asyncio.run(everything())
    report({"workers": args.workers, "think_ms": args.think_ms, "results": results}, [], args.json)


if __name__ == "__main__":
    main()
