"""A real Celery worker in a subprocess, consuming from Redis against the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from annotator.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The URL of the database the tests are using now (the test database, not the main one)."""
    params = connection.settings_dict
    if connection.vendor == "postgresql":
        user = params.get("USER") or "postgres"
        host = params.get("HOST") or "127.0.0.1"
        return f"postgres://{user}@{host}:{params.get('PORT') or 5432}/{params['NAME']}"
    return f"sqlite:///{params['NAME']}"


@dataclass(frozen=True)
class WorkerProcess:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _start(queue: str, name: str, extra_env: dict[str, str]) -> WorkerProcess:
    env = dict(
        os.environ,
        DATABASE_URL=test_database_url(),
        REDIS_URL=settings.REDIS_URL,
        MASKLOOP_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        MASKLOOP_TASK_QUEUE=queue,
        CELERY_TASK_ALWAYS_EAGER="false",
        **extra_env,
    )
    command = [
        sys.executable, "-m", "celery", "-A", "annotator", "worker", "-Q", queue, "-n", name,
        "--pool", "solo", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    # A file, not a pipe: nobody reads a pipe while the worker runs, and a full one blocks it.
    log = Path(tempfile.gettempdir()) / f"maskloop-{name}.log"
    with log.open("wb") as stream:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stream, stderr=subprocess.STDOUT)
    return WorkerProcess(name=name, process=process, log=log)


def _wait_until_ready(worker: WorkerProcess, deadline: float) -> None:
    while not celery_app.control.ping(destination=[worker.name], timeout=0.5):
        if worker.process.poll() is not None or time.monotonic() > deadline:
            worker.process.kill()
            raise RuntimeError(f"the Celery worker did not start:\n{worker.output()[-3000:]}")


def _stop(worker: WorkerProcess) -> None:
    if worker.process.poll() is None:
        worker.process.send_signal(signal.SIGCONT)
        worker.process.terminate()
    try:
        worker.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.process.kill()
        worker.process.wait()


@contextmanager
def celery_workers(
    count: int, *, extra_env: dict[str, str] | None = None, timeout: float = 60.0
) -> Iterator[list[WorkerProcess]]:
    """Start ``count`` workers sharing a queue of their own; tasks sent meanwhile go to them."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    workers = [_start(queue, f"{queue}-{index}@localhost", extra_env or {}) for index in range(count)]
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + timeout
        for worker in workers:
            _wait_until_ready(worker, deadline)
        yield workers
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        for worker in workers:
            _stop(worker)
            worker.log.unlink(missing_ok=True)


@contextmanager
def celery_worker(timeout: float = 60.0) -> Iterator[str]:
    """Start one worker; yields its name."""
    with celery_workers(1, timeout=timeout) as workers:
        yield workers[0].name
