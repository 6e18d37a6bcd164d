"""Real web processes serving the app against the test database, and pages that talk to them
over a real WebSocket: for tests where two people act at the same moment on different servers,
as they do behind a load balancer."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from tests.browser.live_server import free_port
from tests.worker_process import ROOT, test_database_url


@contextmanager
def web_processes(count: int, **env: str) -> Iterator[list[str]]:
    """Start ``count`` uvicorn processes, each running its steps itself (no broker); yields
    their base URLs. ``env`` adds settings (``MASKLOOP_OBJECT_LOCK_SECONDS="1"``)."""
    ports = [free_port() for _ in range(count)]
    base_env = dict(
        os.environ,
        DATABASE_URL=test_database_url(),
        REDIS_URL="",
        CELERY_TASK_ALWAYS_EAGER="true",
        MASKLOOP_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        MASKLOOP_DB_CONN_MAX_AGE="0",
        **env,
    )
    logs = [Path(tempfile.gettempdir()) / f"maskloop-web-{port}.log" for port in ports]
    processes = []
    for port, log in zip(ports, logs, strict=True):
        command = [sys.executable, "-m", "uvicorn", "annotator.asgi:application", "--port", str(port),
                   "--log-level", "warning"]  # fmt: skip
        with log.open("wb") as stream:
            processes.append(
                subprocess.Popen(command, cwd=ROOT, env=base_env, stdout=stream, stderr=subprocess.STDOUT)
            )
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url, process, log in zip(urls, processes, logs, strict=True):
            _wait_until_serving(url, process, log)
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=15)
        for log in logs:
            log.unlink(missing_ok=True)


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the web process did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.2)


def cookie_for(user: object) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return f"sessionid={client.cookies['sessionid'].value}"


class Page:
    """One annotation page's socket to one web process."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.session_id: int | None = None
        self.events = 0

    @classmethod
    async def open(cls, base: str, project_id: int, cookie: str, image_id: int, class_id: int) -> Page:
        ws = await connect(
            base.replace("http", "ws") + f"/ws/projects/{project_id}/",
            origin=Origin("http://127.0.0.1"),
            additional_headers={"Cookie": cookie},
            max_size=None,
        )
        page = cls(ws)
        await page.until("hello")
        await page.send_raw({"type": "open", "image_id": image_id, "class_id": class_id})
        page.session_id = (await page.until("session"))["session_id"]
        return page

    async def send_raw(self, frame: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(frame))

    async def send(self, kind: str, **fields: Any) -> str:
        self.events += 1
        event_id = f"{kind}-{self.events}"
        await self.send_raw({"type": kind, "session_id": self.session_id, "event_id": event_id, **fields})
        return event_id

    async def until(self, *kinds: str, timeout: float = 20) -> dict[str, Any]:
        """The next frame of one of ``kinds`` (an ``error`` frame too, whatever was asked)."""
        while True:
            frame: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if frame["type"] in kinds or frame["type"] == "error":
                return frame

    async def close(self) -> None:
        await self.ws.close()
