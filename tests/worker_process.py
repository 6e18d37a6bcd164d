"""A real Celery worker in a subprocess, consuming from Redis against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def celery_worker(timeout: float = 60.0) -> Iterator[str]:
    """Start a worker on a queue of its own; tasks sent meanwhile go to it. Yields its name."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    name = f"{queue}@localhost"
    env = dict(
        os.environ,
        DATABASE_URL=test_database_url(),
        REDIS_URL=settings.REDIS_URL,
        MASKLOOP_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        MASKLOOP_TASK_QUEUE=queue,
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    command = [
        sys.executable, "-m", "celery", "-A", "annotator", "worker", "-Q", queue, "-n", name,
        "--pool", "solo", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while not celery_app.control.ping(destination=[name], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                raise RuntimeError(f"the Celery worker did not start:\n{output[-3000:]}")
        yield name
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
