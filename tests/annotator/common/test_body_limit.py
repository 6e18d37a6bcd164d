"""Request bodies are bounded before Django reads them: an anonymous caller cannot make the
server take a large body at all, and nobody can send more than the view takes."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.authtoken.models import Token

from annotator.asgi import application
from tests.browser.live_server import live_asgi_server
from tests.conftest import ProjectSetup

MiB = 1024 * 1024


class Exchange:
    """One HTTP request through the real ASGI application; counts the body bytes it read, and
    how many it had read when it answered."""

    def __init__(self, method: str, path: str, headers: dict[str, str], chunks: list[bytes]) -> None:
        sent_headers = {"host": "testserver", **headers}
        self.scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
            "root_path": "", "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
            "headers": [(k.lower().encode(), v.encode()) for k, v in sent_headers.items()],
        }  # fmt: skip
        self.chunks = list(chunks)
        self.read = 0
        self.read_when_answered = -1
        self.sent: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        if not self.chunks:
            if self.sent:  # answered: the client goes
                return {"type": "http.disconnect"}
            await asyncio.Event().wait()  # the body is whole; the client waits for the answer
        chunk = self.chunks.pop(0)
        self.read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(self.chunks)}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.read_when_answered = self.read
        self.sent.append(message)

    async def run(self) -> tuple[int, bytes]:
        await application(self.scope, self.receive, self.send)
        start = next(m for m in self.sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")
        return start["status"], body


@pytest.mark.django_db(transaction=True)
async def test_an_anonymous_large_body_is_refused_before_a_byte_is_read() -> None:
    declared = Exchange("POST", "/api/projects/", {"content-length": str(1024 * MiB)}, [b"x" * MiB] * 4)
    status, body = await declared.run()
    assert (status, declared.read_when_answered) == (401, 0) and b'"not_authenticated"' in body
    assert declared.read == 4 * MiB, (
        "the rest is read and dropped after the answer, so the connection closes cleanly"
    )
    streamed = Exchange("POST", "/api/projects/", {"transfer-encoding": "chunked"}, [b"x" * MiB] * 4)
    status, _ = await streamed.run()
    assert (status, streamed.read_when_answered) == (401, 0)
    page = Exchange("POST", "/login/", {"content-length": str(10 * MiB)}, [b"x" * MiB] * 10)
    status, _ = await page.run()
    assert (status, page.read_when_answered) == (403, 0)


@pytest.mark.django_db(transaction=True)
async def test_a_body_over_the_views_limit_is_refused_413_declared_or_streamed(
    project_setup: ProjectSetup,
) -> None:
    token = await Token.objects.acreate(user=project_setup.admin)
    auth = {"authorization": f"Token {token.key}", "content-type": "application/json"}
    path = f"/api/projects/{project_setup.project.id}/classes/"
    with override_settings(MASKLOOP_MAX_BODY_BYTES=2 * MiB):
        declared = Exchange("POST", path, {**auth, "content-length": str(3 * MiB)}, [b"x" * MiB] * 3)
        status, body = await declared.run()
        assert (status, declared.read_when_answered) == (413, 0) and b'"request_too_large"' in body
        streamed = Exchange("POST", path, {**auth, "transfer-encoding": "chunked"}, [b"x" * MiB] * 8)
        status, body = await streamed.run()
        assert status == 413 and streamed.read_when_answered == 3 * MiB, "cut off where it passed the limit"
        small = Exchange("POST", path, {**auth, "content-length": "15"}, [b'{"name": "Car"}'])
        status, _ = await small.run()
        assert status == 201


@pytest.mark.django_db(transaction=True)
async def test_an_upload_may_be_as_large_as_the_upload_limit(project_setup: ProjectSetup) -> None:
    token = await Token.objects.acreate(user=project_setup.admin)
    headers = {"authorization": f"Token {token.key}", "content-type": "multipart/form-data; boundary=x"}
    path = f"/api/projects/{project_setup.project.id}/images/"
    with override_settings(MASKLOOP_MAX_BODY_BYTES=MiB, MASKLOOP_MAX_UPLOAD_BYTES=4 * MiB):
        taken = Exchange("POST", path, {**headers, "content-length": str(3 * MiB)}, [b"x" * MiB] * 3)
        status, _ = await taken.run()
        assert status == 400 and taken.read == 3 * MiB, "read whole, then refused as a malformed form"
        over = Exchange("POST", path, {**headers, "content-length": str(5 * MiB)}, [b"x" * MiB] * 5)
        assert (await over.run())[0] == 413 and over.read_when_answered == 0


def _rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_an_anonymous_gigabyte_post_leaves_the_servers_memory_where_it_was() -> None:
    with live_asgi_server() as url:
        port = int(url.rsplit(":", 1)[1])
        before = _rss_bytes()
        sent = 0
        with socket.create_connection(("127.0.0.1", port)) as connection:
            connection.sendall(
                b"POST /api/projects/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n" % (1024 * MiB)
            )
            connection.settimeout(0.2)
            chunk, answer, started = b"x" * MiB, b"", time.monotonic()
            while sent < 1024 * MiB and not answer and time.monotonic() - started < 30:
                try:
                    connection.sendall(chunk)
                    sent += len(chunk)
                    answer = connection.recv(4096, socket.MSG_PEEK | socket.MSG_DONTWAIT)
                except BlockingIOError:
                    continue
                except (TimeoutError, BrokenPipeError, ConnectionResetError):
                    break
            connection.settimeout(5)
            answer = answer or connection.recv(4096)
        after = _rss_bytes()
    assert answer.startswith(b"HTTP/1.1 401"), answer[:80]
    assert sent < 256 * MiB, "the server answered long before the body would have arrived"
    assert after - before < 32 * MiB
