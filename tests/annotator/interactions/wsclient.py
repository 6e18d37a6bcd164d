"""Helpers to talk to the real ASGI application as a logged-in browser would."""

from __future__ import annotations

from typing import Any

from channels.testing import WebsocketCommunicator
from django.test import Client

from annotator.asgi import application


def session_cookie(user: Any) -> str:
    """Log the user in through Django's session machinery; returns the cookie header value."""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def communicator(
    project_id: int, cookie: str | None, origin: str = "http://testserver"
) -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode())]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/projects/{project_id}/", headers=headers)


async def receive_until(
    comm: WebsocketCommunicator, kind: str, timeout: float = 10
) -> tuple[dict, list[dict]]:
    """Read frames until one of type ``kind``; returns it and every frame read before it."""
    seen: list[dict] = []
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame, seen
        seen.append(frame)
