"""The socket's refusals and limits, through the real ASGI app: a refused connection is accepted
and closed with its code; a frame too large, frames too many at once and a stroke with too
many points are each answered with an error frame, record nothing, and the socket stays usable."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from annotator.interactions.models import InteractionEvent
from tests.annotator.interactions.wsclient import communicator, open_page, receive_until, session_cookie
from tests.conftest import ProjectSetup

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_tasks", "close_worker_thread_connections"),
]

events = database_sync_to_async(InteractionEvent.objects.count)


async def closed_with(comm: WebsocketCommunicator) -> int:
    """The code of the close that follows an accepted handshake."""
    connected, _ = await comm.connect()
    assert connected  # the handshake is accepted: a browser then sees the close's code
    message = await comm.receive_output(timeout=5)
    assert message["type"] == "websocket.close"
    return int(message["code"])


async def test_an_anonymous_connection_is_accepted_then_closed_with_4401(project_setup: ProjectSetup) -> None:
    assert await closed_with(communicator(project_setup.project.id, None)) == 4401


async def test_an_outsider_is_accepted_then_closed_with_4404(project_setup: ProjectSetup) -> None:
    cookie = await database_sync_to_async(session_cookie)(project_setup.outsider)
    assert await closed_with(communicator(project_setup.project.id, cookie)) == 4404


async def test_a_project_that_does_not_exist_closes_with_4404(project_setup: ProjectSetup) -> None:
    cookie = await database_sync_to_async(session_cookie)(project_setup.annotator)
    assert await closed_with(communicator(999_999, cookie)) == 4404


async def test_the_hello_frame_tells_the_page_its_limits(project_setup: ProjectSetup, settings: Any) -> None:
    settings.MASKLOOP_SOCKET_STROKE_POINTS = 300
    cookie = await database_sync_to_async(session_cookie)(project_setup.annotator)
    comm = communicator(project_setup.project.id, cookie)
    assert (await comm.connect())[0]
    hello = await comm.receive_json_from()
    assert hello["limits"] == {
        "max_frame_bytes": 256 * 1024,
        "burst": 60,
        "per_second": 20.0,
        "stroke_points": 300,
        "model_burst": 10,
        "model_per_second": 4.0,
    }
    await comm.disconnect()


def stroke(session: dict[str, Any], event_id: str, points: list[list[float]]) -> dict[str, Any]:
    return {
        "type": "brush",
        "session_id": session["session_id"],
        "event_id": event_id,
        "points": points,
        "size": 5,
        "erase": False,
    }


async def test_a_frame_over_the_size_limit_is_refused_unread_and_nothing_is_stored(
    project_setup: ProjectSetup, settings: Any
) -> None:
    settings.MASKLOOP_SOCKET_MAX_FRAME_BYTES = 4096
    comm, session, _ = await open_page(project_setup, seed=3)
    # A valid stroke, but too large a frame: refused before it is read, so it names no event.
    big = json.dumps(stroke(session, "big", [[10.0 + i / 1000, 10.0] for i in range(400)]))
    assert len(big) > 4096
    await comm.send_to(text_data=big)
    error, _ = await receive_until(comm, "error")
    assert error["code"] == "frame_too_large" and "4096" in error["detail"] and "event_id" not in error
    # Non-ASCII text is measured in bytes: 1500 characters of 3 bytes each.
    await comm.send_to(text_data=json.dumps({"type": "ping", "t": "€" * 1500}, ensure_ascii=False))
    assert (await receive_until(comm, "error"))[0]["code"] == "frame_too_large"
    await comm.send_to(bytes_data=b"x" * 5000)
    assert (await receive_until(comm, "error"))[0]["code"] == "frame_too_large"
    assert await events() == 0
    # A small stroke still goes in.
    await comm.send_json_to(stroke(session, "small", [[10, 10], [20, 10]]))
    mask, _ = await receive_until(comm, "mask")
    assert mask["event_id"] == "small" and await events() == 1
    await comm.disconnect()


async def test_a_stroke_over_the_point_limit_is_refused_and_nothing_is_stored(
    project_setup: ProjectSetup, settings: Any
) -> None:
    settings.MASKLOOP_SOCKET_STROKE_POINTS = 50
    comm, session, _ = await open_page(project_setup, seed=3)
    for kind in ("brush", "scribble"):
        frame = {**stroke(session, f"long-{kind}", [[10 + i / 10, 10] for i in range(51)]), "type": kind}
        frame["thickness"] = 3
        frame["positive"] = True
        await comm.send_json_to(frame)
        error, _ = await receive_until(comm, "error")
        assert (error["code"], error["event_id"]) == ("too_many_points", f"long-{kind}")
        assert "50" in error["detail"]
    assert await events() == 0
    await comm.send_json_to(stroke(session, "fifty", [[10 + i / 10, 10] for i in range(50)]))
    mask, _ = await receive_until(comm, "mask")
    assert mask["event_id"] == "fifty" and await events() == 1
    await comm.disconnect()


async def test_frames_over_the_burst_are_refused_by_name_and_the_socket_stays_usable(
    project_setup: ProjectSetup, settings: Any
) -> None:
    settings.MASKLOOP_SOCKET_BURST = 20
    settings.MASKLOOP_SOCKET_RATE = 2.0
    settings.MASKLOOP_SESSION_MODEL_BURST = 1000  # the socket's own bucket, alone
    comm, session, scene = await open_page(project_setup, seed=3)  # a frame of the burst
    ys, xs = scene.masks[0].nonzero()
    x, y = float(xs.mean()), float(ys.mean())
    sid = session["session_id"]
    sent = [f"e{i}" for i in range(500)]
    started = asyncio.get_running_loop().time()
    for n, event_id in enumerate(sent):
        click = {
            "type": "click",
            "session_id": sid,
            "event_id": event_id,
            "x": x,
            "y": y,
            "positive": n % 2 == 0,
        }
        await comm.send_json_to(click)
    acked: list[str] = []
    limited: dict[str, int] = {}
    while len(acked) + len(limited) < len(sent):
        frame = await comm.receive_json_from(timeout=20)
        if frame["type"] == "ack":
            acked.append(frame["event_id"])
        elif frame["type"] == "error" and frame["code"] == "rate_limited":
            limited[frame["event_id"]] = frame["retry_ms"]
    elapsed = asyncio.get_running_loop().time() - started
    # Every frame has one answer: what is left of the burst is taken (in order), the others are
    # refused by name, but for the few tokens the rate gave back meanwhile.
    assert sorted(acked + list(limited), key=sent.index) == sent
    assert acked[:19] == sent[:19]
    assert 19 <= len(acked) <= 20 + int(elapsed * 2) + 1
    assert all(0 < wait <= 500 for wait in limited.values())
    assert await events() == len(acked)
    recorded = await database_sync_to_async(
        lambda: set(InteractionEvent.objects.values_list("client_event_id", flat=True))
    )()
    assert recorded == set(acked)
    # Once the wait it was told has passed, the page's next click is taken.
    await asyncio.sleep(max(limited.values()) / 1000)
    again = {"type": "click", "session_id": sid, "event_id": "again", "x": x, "y": y, "positive": True}
    await comm.send_json_to(again)
    ack, _ = await receive_until(comm, "ack", timeout=30)
    while ack["event_id"] != "again":
        ack, _ = await receive_until(comm, "ack", timeout=30)
    assert not ack["duplicate"]
    await comm.disconnect()


async def test_a_sessions_model_steps_over_its_rate_are_refused_and_other_sessions_go_on(
    project_setup: ProjectSetup, settings: Any
) -> None:
    settings.MASKLOOP_SESSION_MODEL_BURST = 3
    settings.MASKLOOP_SESSION_MODEL_RATE = 2.0
    comm, session, scene = await open_page(project_setup, seed=5)
    ys, xs = scene.masks[0].nonzero()
    point = {"x": float(xs.mean()), "y": float(ys.mean())}
    sid = session["session_id"]
    for n in range(6):
        await comm.send_json_to(
            {"type": "click", "session_id": sid, "event_id": f"c{n}", **point, "positive": True}
        )
    answers: dict[str, dict[str, Any]] = {}
    while len(answers) < 6:
        frame = await comm.receive_json_from(timeout=20)
        if frame["type"] in ("ack", "error") and frame.get("event_id", "").startswith("c"):
            answers[frame["event_id"]] = frame
    # The burst is taken; the clicks past it are refused by name, with when to send again.
    assert [answers[f"c{n}"]["type"] for n in range(3)] == ["ack"] * 3
    refused = [answers[f"c{n}"] for n in range(3, 6)]
    assert {frame["code"] for frame in refused} == {"rate_limited"}
    assert all(0 < frame["retry_ms"] <= 500 for frame in refused)
    assert "model steps" in refused[0]["detail"]
    recorded = await database_sync_to_async(
        lambda: set(InteractionEvent.objects.filter(session_id=sid).values_list("client_event_id", flat=True))
    )()
    assert recorded == {"c0", "c1", "c2"}
    # An undo is not a model step: it is taken meanwhile.
    await comm.send_json_to({"type": "undo", "session_id": sid, "event_id": "u0"})
    ack, _ = await receive_until(comm, "ack", timeout=20)
    while ack["event_id"] != "u0":
        ack, _ = await receive_until(comm, "ack", timeout=20)
    # After the wait it was told, the refused click is taken.
    await asyncio.sleep(max(frame["retry_ms"] for frame in refused) / 1000)
    await comm.send_json_to({"type": "click", "session_id": sid, "event_id": "c3", **point, "positive": True})
    ack, _ = await receive_until(comm, "ack", timeout=20)
    while ack["event_id"] != "c3":
        ack, _ = await receive_until(comm, "ack", timeout=20)
    assert not ack["duplicate"]
    await comm.disconnect()


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,  # deeper than the JSON decoder follows
        '{"type": "ping", "t": ' + "[" * 950 + "]" * 950 + "}",  # echoing it would be as deep
        '{"type": "ping", "t": NaN}',  # not JSON, and not echoed as JSON
        '{"type": "ping", "t": 1e999}',
        '{"type": "undo", "session_id": SID, "event_id": "e", "seq": 2147483648}',  # seq is 32-bit
    ],
)
async def test_frames_that_once_broke_the_socket_get_an_error_frame(
    project_setup: ProjectSetup, text: str
) -> None:
    comm, session, _ = await open_page(project_setup, seed=3)
    await comm.send_to(text_data=text.replace("SID", str(session["session_id"])))
    error, _ = await receive_until(comm, "error")
    assert error["code"] in ("invalid_json", "invalid_message") and error["detail"]
    assert await events() == 0
    await comm.send_json_to({"type": "ping", "t": "still open"})
    pong, _ = await receive_until(comm, "pong")
    assert pong["t"] == "still open"
    await comm.disconnect()
