"""Every frame is answered, never a dropped socket: an event id with a trailing newline is
refused with an error frame, and a defect while handling a frame becomes ``internal_error``
(logged) with the socket still open for the next frame."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async

from annotator.interactions import selectors
from annotator.interactions.models import InteractionEvent
from tests.annotator.interactions.wsclient import open_page, receive_until
from tests.conftest import ProjectSetup

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_tasks", "close_worker_thread_connections"),
]

events = database_sync_to_async(InteractionEvent.objects.count)


@pytest.mark.parametrize("length", [63, 64])
async def test_an_event_id_with_a_trailing_newline_is_refused_and_the_socket_stays_open(
    project_setup: ProjectSetup, length: int
) -> None:
    comm, session, _ = await open_page(project_setup, seed=3)
    event_id = "a" * length + "\n"
    await comm.send_json_to({"type": "undo", "session_id": session["session_id"], "event_id": event_id})
    error, _ = await receive_until(comm, "error")
    assert error["code"] == "invalid_message" and error["session_id"] == session["session_id"]
    assert await events() == 0
    await comm.send_json_to({"type": "ping", "t": "still here"})
    pong, _ = await receive_until(comm, "pong")
    assert pong["t"] == "still here"
    await comm.disconnect()


async def test_a_defect_while_handling_an_event_is_answered_internal_error_and_the_socket_stays_open(
    project_setup: ProjectSetup, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    comm, session, scene = await open_page(project_setup, seed=3)

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("a defect")

    monkeypatch.setattr(selectors, "session_class_id", broken)
    await comm.send_json_to(
        {"type": "accept", "session_id": session["session_id"], "event_id": "a1", "seq": 7}
    )
    error, _ = await receive_until(comm, "error")
    assert error["code"] == "internal_error"
    assert (error["event_id"], error["session_id"], error["seq"]) == ("a1", session["session_id"], 7)
    assert "a defect" in caplog.text
    await comm.send_json_to({"type": "ping", "t": 1})
    pong, _ = await receive_until(comm, "pong")
    assert pong["t"] == 1
    await comm.disconnect()
