"""The web server's memory when people ask for an object's matte on a large image at once.

Starts the app as deployed (uvicorn serving ``annotator.asgi``, DEBUG off) in its own process,
and in ``--mode redis`` a Celery worker of the batch queue (``--concurrency 1``, as compose and
run.sh start it); makes a user, a project and a ``--megapixels`` JPEG with one large object
through the real services. One matte of a small object is asked for first, so the first
matting's imports and compilation are behind the measurement; then the serving process's peak
is reset (``/proc/<pid>/clear_refs``) and ``--parallel`` clients ask for the large object's
matte at once, each asking again after ``Retry-After`` until the PNG comes, as the page does.
Reports the server's resident memory before and its peak during (``VmHWM``), the worker's peak,
and each client's time to the PNG; then the same again with the matte ready (served from
storage). Works against any version of the endpoint (one that answers the PNG at once too).

    .venv/bin/python benchmarks/matte_memory.py --mode embedded
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maskloop_bench REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python benchmarks/matte_memory.py --mode redis
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.servers import free_port, wait_for_port  # noqa: E402
from benchmarks.stats import report, summary  # noqa: E402


def large_photo(megapixels: float, seed: int = 3) -> tuple[bytes, np.ndarray]:
    """A square JPEG of about ``megapixels`` (a textured background, a large soft-edged ellipse)
    and the ellipse's (H, W) bool mask."""
    import cv2

    side = int(round((megapixels * 1e6) ** 0.5))
    rng = np.random.default_rng(seed)
    small = rng.integers(60, 200, (side // 64 + 1, side // 64 + 1, 3), dtype=np.uint8)
    image = cv2.resize(small, (side, side), interpolation=cv2.INTER_CUBIC)
    mask = np.zeros((side, side), np.uint8)
    cv2.ellipse(mask, (side // 2, side // 2), (side * 3 // 8, side // 4), 30, 0, 360, 1, -1)
    soft = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 3)[..., None]
    image = (soft * np.array([230, 60, 40], np.float32) + (1 - soft) * image).astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return encoded.tobytes(), mask.astype(bool)


def prepare_data(megapixels: float) -> dict[str, Any]:
    """A user, a project, a small image with a small object and the large one with its object."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from annotator.annotations.services import annotation_create
    from annotator.images.services import image_upload
    from annotator.projects.services import label_class_create, project_create
    from inference.masks import rle

    user = User.objects.create_user(f"bench-{uuid.uuid4().hex[:8]}", password="bench")
    project = project_create(creator=user, name="matte memory")
    label_class = label_class_create(project=project, name="object")
    objects = {}
    for name, size in (("small", 0.25), ("large", megapixels)):
        data, mask = large_photo(size)
        upload = SimpleUploadedFile(f"{name}.jpg", data, content_type="image/jpeg")
        image = image_upload(project=project, uploader=user, upload=upload)
        annotation = annotation_create(
            image=image, label_class=label_class, mask=rle.encode(mask), author=user
        )
        objects[name] = f"/api/projects/{project.id}/annotations/{annotation.id}/matte.png"
    client = Client()
    client.force_login(user)
    return {"urls": objects, "cookie": f"sessionid={client.cookies['sessionid'].value}"}


def memory_mb(pid: int, field: str) -> float:
    """``VmRSS`` or ``VmHWM`` (peak) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def worker_processes(worker: subprocess.Popen[bytes]) -> list[int]:
    """The Celery worker's pool processes (prefork: a child runs the tasks)."""
    return [int(pid) for pid in Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()]


def fetch_matte(base: str, url: str, cookie: str) -> dict[str, Any]:
    """Ask until the PNG comes, waiting Retry-After between; the time and the answers."""
    started = time.perf_counter()
    pending = 0
    while True:
        request = urllib.request.Request(base + url, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=600) as response:
            body = response.read()
            if response.status == 200:
                return {"seconds": time.perf_counter() - started, "pending": pending, "bytes": len(body)}
            pending += 1
            time.sleep(float(response.headers.get("Retry-After", "1")))


def at_once(base: str, url: str, cookie: str, parallel: int) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    start = threading.Barrier(parallel)

    def client() -> None:
        start.wait()
        results.append(fetch_matte(base, url, cookie))

    threads = [threading.Thread(target=client) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def run(mode: str, megapixels: float, parallel: int) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="maskloop-matte-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="annotator.settings", MASKLOOP_VAR_DIR=str(workdir))
    env["DJANGO_DEBUG"] = "false"
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    env["MASKLOOP_TLS"] = "false"
    if mode == "embedded":
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
    env["MASKLOOP_BATCH_QUEUE"] = f"bench-batch-{uuid.uuid4().hex[:8]}"
    os.environ.clear()
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    data = prepare_data(megapixels)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "annotator.asgi:application", "--port", str(port),
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    worker = None
    if mode == "redis":
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "annotator", "worker", "--concurrency", "1", "-Q",
             env["MASKLOOP_BATCH_QUEUE"], "--loglevel", "WARNING", "-n", f"{env['MASKLOOP_BATCH_QUEUE']}@%h"],
            cwd=ROOT, env=env,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port, server)
        warm = fetch_matte(base, data["urls"]["small"], data["cookie"])
        idle = memory_mb(server.pid, "VmRSS")
        reset_peak(server.pid)
        workers = worker_processes(worker) if worker is not None else []
        worker_idle = max((memory_mb(pid, "VmRSS") for pid in workers), default=None)
        for pid in workers:
            reset_peak(pid)
        first = at_once(base, data["urls"]["large"], data["cookie"], parallel)
        first_peak = memory_mb(server.pid, "VmHWM")
        reset_peak(server.pid)
        served = at_once(base, data["urls"]["large"], data["cookie"], parallel)
        served_peak = memory_mb(server.pid, "VmHWM")
        worker_peak = max((memory_mb(pid, "VmHWM") for pid in workers), default=None)
    finally:
        for process in (server, worker):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    return {
        "mode": mode,
        "megapixels": megapixels,
        "parallel": parallel,
        "warm_up_seconds": warm["seconds"],
        "server_rss_before_mb": round(idle),
        "server_peak_while_computed_mb": round(first_peak),
        "server_peak_while_served_mb": round(served_peak),
        "worker_rss_before_mb": round(worker_idle) if worker_idle is not None else None,
        "worker_peak_mb": round(worker_peak) if worker_peak is not None else None,
        "seconds_to_png_first": summary([r["seconds"] for r in first]),
        "pending_answers_first": [r["pending"] for r in first],
        "seconds_to_png_served": summary([r["seconds"] for r in served]),
        "png_bytes": first[0]["bytes"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=["embedded", "redis"], default="embedded")
    parser.add_argument("--megapixels", type=float, default=49.0)
    parser.add_argument("--parallel", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="write the result as JSON here")
    args = parser.parse_args()
    report(run(args.mode, args.megapixels, args.parallel), [], args.out)


if __name__ == "__main__":
    main()
