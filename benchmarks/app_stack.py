"""The production shape in processes of its own: one ASGI server (uvicorn) and Celery workers,
each with its own queue for session affinity, against PostgreSQL and Redis; and the CPU time
each process has used, to report what a load cost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass
class Stack:
    base: str  # host:port of the ASGI server
    web: subprocess.Popen[bytes]
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: list[Path] = field(default_factory=list)

    def cpu(self) -> dict[str, float]:
        return {"web": cpu_seconds(self.web.pid)} | {
            name: cpu_seconds(process.pid) for name, process in self.workers.items()
        }

    def freeze(self, name: str) -> None:
        self.workers[name].send_signal(signal.SIGSTOP)

    def thaw(self, name: str) -> None:
        self.workers[name].send_signal(signal.SIGCONT)

    def kill(self, name: str) -> None:
        self.workers[name].kill()
        self.workers[name].wait()


def _worker(env: dict[str, str], queue: str, name: str, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "celery", "-A", "annotator", "worker", "-Q", queue, "-n", name,
        "--pool", "solo", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    with log.open("wb") as stream:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=stream, stderr=subprocess.STDOUT)


@contextmanager
def app_stack(env: dict[str, str], workers: int, workdir: Path) -> Iterator[Stack]:
    """Start the server and ``workers`` workers with ``env``; wait until every worker has
    registered (a row in ``interactions_worker``); stop them all at the end."""
    from annotator.interactions.models import Worker

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = dict(env, MASKLOOP_TASK_QUEUE=queue, CELERY_TASK_ALWAYS_EAGER="false")
    port = free_port()
    web_log = workdir / "web.log"
    with web_log.open("wb") as stream:
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "annotator.asgi:application",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    stack = Stack(base=f"127.0.0.1:{port}", web=web, logs=[web_log])
    try:
        for index in range(workers):
            name = f"{queue}-{index}@localhost"
            log = workdir / f"worker-{index}.log"
            stack.workers[name] = _worker(env, queue, name, log)
            stack.logs.append(log)
        wait_for_port(port, web)
        deadline = time.monotonic() + 90
        while Worker.objects.filter(name__in=list(stack.workers)).count() < workers:
            dead = [name for name, process in stack.workers.items() if process.poll() is not None]
            if dead or time.monotonic() > deadline:
                raise RuntimeError(f"workers did not register: {dead or 'timeout'}")
            time.sleep(0.2)
        yield stack
    finally:
        for process in [web, *stack.workers.values()]:
            if process.poll() is None:
                process.send_signal(signal.SIGCONT)
                process.terminate()
        for process in [web, *stack.workers.values()]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
