"""Helpers to talk to the real ASGI application as a logged-in browser would."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from annotator.asgi import application
from annotator.interactions.models import EventStatus, InteractionEvent
from inference.synthetic import Scene
from tests.conftest import ProjectSetup
from tests.factories import upload_scene


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


async def open_page(
    setup: ProjectSetup, seed: int, **size: int
) -> tuple[WebsocketCommunicator, dict[str, Any], Scene]:
    """The annotator's page with a session open on a new scene (``width`` and ``height`` as
    ``upload_scene`` takes them); returns the page's socket, the session frame and the scene."""
    image, scene = await sync_to_async(upload_scene)(setup.project, setup.admin, seed=seed, **size)
    comm, session = await open_on(setup, image)
    return comm, session, scene


async def connected_page(setup: ProjectSetup, timeout: float = 1) -> WebsocketCommunicator:
    """The annotator's page connected, its ``hello`` read."""
    cookie = await database_sync_to_async(session_cookie)(setup.annotator)
    comm = communicator(setup.project.id, cookie)
    assert (await comm.connect(timeout=timeout))[0]
    assert (await comm.receive_json_from())["type"] == "hello"
    return comm


async def open_on(setup: ProjectSetup, image: Any) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    """The annotator's page with a session open on an uploaded image; the socket and the session frame."""
    comm = await connected_page(setup)
    await comm.send_json_to({"type": "open", "image_id": image.id, "class_id": setup.label_class.id})
    session, _ = await receive_until(comm, "session")
    return comm, session


# A step's answer goes out before its commit (click-path invariant 4): how long the commit may
# follow it on a loaded machine.
COMMIT_AFTER_ANSWER_SECONDS = 5.0


async def committed_event(event_id: str) -> InteractionEvent:
    """The event's row once the step that answered it has committed (or as it is after
    ``COMMIT_AFTER_ANSWER_SECONDS``)."""
    deadline = time.monotonic() + COMMIT_AFTER_ANSWER_SECONDS
    while True:
        event = await database_sync_to_async(InteractionEvent.objects.get)(client_event_id=event_id)
        if event.status != EventStatus.PENDING or time.monotonic() > deadline:
            return event
        await asyncio.sleep(0.05)
