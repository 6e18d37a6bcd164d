"""A channel layer built from the settings finds a down or stalled broker in bounded time: a send
to a Redis that never completes the connection, or that accepts it and never answers, raises
within a few seconds instead of holding the consumer or the worker's relay."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEND = """
import asyncio, os, time, django
os.environ["DJANGO_SETTINGS_MODULE"] = "annotator.settings"
django.setup()
from channels.layers import get_channel_layer
async def main():
    layer = get_channel_layer()
    began = time.monotonic()
    try:
        await layer.send("page.1", {"type": "session.frame"})
    except Exception as error:
        print(type(error).__name__, round(time.monotonic() - began, 2))
    else:
        print("sent", round(time.monotonic() - began, 2))
asyncio.run(main())
"""


def _send(tmp_path: Path, port: int, **env: str) -> tuple[str, float]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MASKLOOP_", "DATABASE_URL"))
    }
    clean.update(MASKLOOP_VAR_DIR=str(tmp_path), REDIS_URL=f"redis://127.0.0.1:{port}/0", **env)
    done = subprocess.run(
        [sys.executable, "-c", SEND], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    outcome, seconds = done.stdout.split()
    return outcome, float(seconds)


@pytest.fixture
def silent_server() -> Iterator[socket.socket]:
    """Listens (the kernel completes connections) but never accepts, reads or answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server
    server.close()


@pytest.fixture
def full_server() -> Iterator[socket.socket]:
    """Listens with its queue full, so a new connection is never completed."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    waiting = []
    for _ in range(4):  # fill the accept queue; later connection attempts get no answer
        client = socket.socket()
        client.setblocking(False)
        client.connect_ex(server.getsockname())
        waiting.append(client)
    yield server
    for client in waiting:
        client.close()
    server.close()


def test_a_broker_that_never_answers_fails_a_send_within_the_timeout(
    tmp_path: Path, silent_server: socket.socket
) -> None:
    outcome, seconds = _send(
        tmp_path,
        silent_server.getsockname()[1],
        MASKLOOP_CHANNEL_CONNECT_TIMEOUT="1",
        MASKLOOP_CHANNEL_SOCKET_TIMEOUT="1",
    )
    assert outcome == "TimeoutError"
    assert seconds < 3


def test_a_broker_that_never_completes_the_connection_fails_a_send_within_the_connect_timeout(
    tmp_path: Path, full_server: socket.socket
) -> None:
    outcome, seconds = _send(
        tmp_path,
        full_server.getsockname()[1],
        MASKLOOP_CHANNEL_CONNECT_TIMEOUT="1",
        MASKLOOP_CHANNEL_SOCKET_TIMEOUT="30",
    )
    assert outcome in ("TimeoutError", "ConnectionError")
    assert seconds < 3
