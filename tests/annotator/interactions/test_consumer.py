"""The annotation WebSocket through the real ASGI app (auth, origin, validation, idempotency)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import numpy as np
import pytest
from channels.db import database_sync_to_async
from django.conf import settings

from annotator.interactions import tasks
from annotator.interactions.models import InteractionEvent, InteractionSession
from annotator.interactions.selectors import session_history
from inference.masks import rle
from tests.annotator.interactions.wsclient import communicator, receive_until, session_cookie
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_tasks", "close_worker_thread_connections"),
]


@pytest.fixture
def live(project_setup: ProjectSetup) -> dict[str, Any]:
    image, scene = upload_scene(project_setup.project, project_setup.admin, width=160, height=120, seed=2)
    truth = scene.masks[0]
    ys, xs = truth.nonzero()
    return {
        "setup": project_setup,
        "image": image,
        "inside": (float(xs.mean()), float(ys.mean())),
        "cookie": session_cookie(project_setup.annotator),
        "truth_area": int(truth.sum()),
    }


async def opened(live: dict[str, Any]) -> tuple[Any, dict]:
    setup = live["setup"]
    comm = communicator(setup.project.id, live["cookie"])
    connected, _ = await comm.connect()
    assert connected
    hello = await comm.receive_json_from()
    assert hello["type"] == "hello" and hello["role"] == "annotator"
    await comm.send_json_to({"type": "open", "image_id": live["image"].id, "class_id": setup.label_class.id})
    session, _ = await receive_until(comm, "session")
    ready, _ = await receive_until(comm, "ready")  # the page learns when the image is prepared
    assert ready["session_id"] == session["session_id"] and ready["engine"] == "grabcut"
    assert ready["prepare_ms"] >= 0
    return comm, session


def click(session: dict, event_id: str, x: float, y: float, positive: bool = True) -> dict:
    return {
        "type": "click",
        "session_id": session["session_id"],
        "event_id": event_id,
        "x": x,
        "y": y,
        "positive": positive,
        "seq": 1,
    }


async def test_a_click_goes_in_and_a_mask_comes_out(live: dict[str, Any]) -> None:
    comm, session = await opened(live)
    assert session["image"]["width"] == 160 and session["mask"] is None and session["engine"] == "grabcut"
    await comm.send_json_to(click(session, "c1", *live["inside"]))
    mask, before = await receive_until(comm, "mask")
    assert [f["type"] for f in before] in ([], ["ack"])
    assert mask["event_id"] == "c1" and mask["step"] == 1
    assert mask["area"] > 0.8 * live["truth_area"]
    assert mask["patch"]["after"]["size"] == [mask["patch"]["bbox"][3], mask["patch"]["bbox"][2]]
    await comm.send_json_to({"type": "undo", "session_id": session["session_id"], "event_id": "u1"})
    undo, _ = await receive_until(comm, "mask")
    assert undo["kind"] == "undo" and undo["area"] == 0 and undo["patch"]["bbox"] == mask["patch"]["bbox"]
    await comm.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_message"),
        ('{"type": "teleport"}', "unknown_type"),
        (
            '{"type": "click", "session_id": 1, "event_id": "x", "x": "left", "y": 3, "positive": true}',
            "invalid_message",
        ),
        (
            '{"type": "click", "session_id": 1, "event_id": "bad id with spaces", '
            '"x": 1, "y": 1, "positive": true}',
            "invalid_message",
        ),
        ('{"type": "open", "image_id": -1, "class_id": 1}', "invalid_message"),
        ('{"type": "choose", "session_id": 1, "event_id": "x", "index": "next"}', "invalid_message"),
        (
            '{"type": "brush", "session_id": 1, "event_id": "x", '
            '"points": [[1, 1]], "size": 0, "erase": false}',
            "invalid_message",
        ),
        (
            '{"type": "brush", "session_id": 1, "event_id": "x", '
            '"points": [[1, 1, 1]], "size": 5, "erase": false}',
            "invalid_message",
        ),
        (
            '{"type": "scribble", "session_id": 1, "event_id": "x", '
            '"points": [], "thickness": 3, "positive": true}',
            "invalid_message",
        ),
        (
            '{"type": "scribble", "session_id": 1, "event_id": "x", "points": [[1, 1]], "thickness": 3}',
            "invalid_message",
        ),
        ('{"type": "start", "session_id": 1, "event_id": "x", "annotation_id": "last"}', "invalid_message"),
    ],
)
async def test_malformed_frames_get_an_error_and_the_socket_stays_usable(
    live: dict[str, Any], frame: str, code: str
) -> None:
    comm, _ = await opened(live)
    await comm.send_to(text_data=frame)
    error = await comm.receive_json_from()
    assert error["type"] == "error" and error["code"] == code and error["detail"]
    await comm.send_json_to({"type": "ping", "t": 7})
    assert await comm.receive_json_from() == {"type": "pong", "t": 7}
    await comm.disconnect()


async def test_a_click_outside_the_image_is_refused_and_not_recorded(live: dict[str, Any]) -> None:
    comm, session = await opened(live)
    await comm.send_json_to(click(session, "out", 160.0, 10.0))
    error = await comm.receive_json_from()
    assert (error["type"], error["code"], error["event_id"]) == ("error", "outside_image", "out")
    assert await database_sync_to_async(InteractionEvent.objects.count)() == 0
    await comm.send_json_to(click(session, "in", *live["inside"]))
    mask, _ = await receive_until(comm, "mask")
    assert mask["event_id"] == "in"
    await comm.disconnect()


async def test_a_stroke_leaving_the_image_is_refused_and_not_recorded(live: dict[str, Any]) -> None:
    comm, session = await opened(live)
    stroke = {
        "type": "brush",
        "session_id": session["session_id"],
        "event_id": "b",
        "size": 5,
        "erase": False,
    }
    await comm.send_json_to({**stroke, "points": [[10, 10], [40, 10], [40, 120]]})
    error = await comm.receive_json_from()
    assert (error["type"], error["code"], error["event_id"]) == ("error", "outside_image", "b")
    assert await database_sync_to_async(InteractionEvent.objects.count)() == 0
    await comm.disconnect()


async def test_patches_round_trip_through_the_socket(live: dict[str, Any]) -> None:
    """A page that only applies each frame's patch ends with the server's mask, step by step."""
    comm, session = await opened(live)
    sid = session["session_id"]
    page = np.zeros((120, 160), dtype=bool)
    x, y = live["inside"]
    steps = [
        click(session, "c", x, y),
        {"type": "brush", "event_id": "e", "points": [[x - 20, y], [x + 20, y]], "size": 7, "erase": True},
        {"type": "brush", "event_id": "b", "points": [[4, 4], [20, 4]], "size": 5, "erase": False},
        {
            "type": "scribble",
            "event_id": "s",
            "points": [[2, 100], [150, 100]],
            "thickness": 3,
            "positive": False,
        },
        {"type": "undo", "event_id": "u1"},
        {"type": "undo", "event_id": "u2"},
        {"type": "redo", "event_id": "r1"},
    ]
    for step in steps:
        await comm.send_json_to({**step, "session_id": sid})
        frame, _ = await receive_until(comm, "mask")
        change = frame["patch"]
        if change["after"] is not None:
            bx, by, bw, bh = change["bbox"]
            assert np.array_equal(rle.decode(change["before"]), page[by : by + bh, bx : bx + bw])
            page[by : by + bh, bx : bx + bw] = rle.decode(change["after"])
        stored = await database_sync_to_async(server_mask)(sid)
        assert np.array_equal(page, stored), step["event_id"]
        assert frame["area"] == int(page.sum())
    assert page[4, 4:21].all() and frame["step"] == 3 and frame["steps"] == 4  # the blob is back
    await comm.disconnect()


def server_mask(session_id: int) -> np.ndarray:
    history = session_history(session=InteractionSession.objects.get(id=session_id))
    assert history.current_mask is not None
    return rle.decode(history.current_mask)


async def test_unknown_image_or_class_or_session_gets_an_error_frame(live: dict[str, Any]) -> None:
    comm, session = await opened(live)
    setup = live["setup"]
    await comm.send_json_to({"type": "open", "image_id": 99999, "class_id": setup.label_class.id})
    assert (await comm.receive_json_from())["code"] == "unknown_image"
    await comm.send_json_to({"type": "open", "image_id": live["image"].id, "class_id": 99999})
    assert (await comm.receive_json_from())["code"] == "unknown_class"
    await comm.send_json_to(click({"session_id": 99999}, "z", 1, 1))
    assert (await comm.receive_json_from())["code"] == "unknown_session"
    await comm.disconnect()


async def test_the_same_event_id_twice_is_applied_once(live: dict[str, Any]) -> None:
    comm, session = await opened(live)
    await comm.send_json_to(click(session, "dup", *live["inside"]))
    await receive_until(comm, "mask")
    await comm.send_json_to(click(session, "dup", *live["inside"]))
    ack, _ = await receive_until(comm, "ack")
    while not ack["duplicate"]:
        ack, _ = await receive_until(comm, "ack")
    assert ack["status"] == "applied"
    await comm.send_json_to({"type": "ping", "t": 1})
    pong, between = await receive_until(comm, "pong")
    assert [f for f in between if f["type"] == "mask"] == []
    assert await database_sync_to_async(InteractionEvent.objects.count)() == 1
    await comm.disconnect()


async def test_the_mask_goes_out_before_the_task_has_finished_its_work_after_it(
    live: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Embedded set-up (the task runs in the web process): what the task does once the mask
    is relayed (online adaptation's bookkeeping) does not hold the page's mask frame."""
    page_has_mask = threading.Event()
    waited_in_vain: list[bool] = []
    after_mask = tasks._adapts

    def slow_after_mask(session: InteractionSession) -> bool:
        waited_in_vain.append(not page_has_mask.wait(timeout=10))
        return after_mask(session)

    monkeypatch.setattr(tasks, "_adapts", slow_after_mask)
    comm, session = await opened(live)
    await comm.send_json_to(click(session, "c1", *live["inside"]))
    await receive_until(comm, "mask")
    page_has_mask.set()
    await comm.disconnect()
    assert waited_in_vain == [False]


@pytest.mark.usefixtures("broker_refuses_once")
async def test_a_step_that_cannot_be_dispatched_is_kept_and_runs_with_the_next(live: dict[str, Any]) -> None:
    comm, session = await opened(live)
    await comm.send_json_to(click(session, "c1", *live["inside"]))
    error, seen = await receive_until(comm, "error")
    assert error["code"] == "dispatch_failed" and "saved" in error["detail"]
    assert [f["type"] for f in seen] == ["ack"]
    kept = await database_sync_to_async(InteractionEvent.objects.get)(client_event_id="c1")
    assert kept.status == "pending"
    await comm.send_json_to({**click(session, "c2", 5, 5, positive=False), "seq": 2})
    first, _ = await receive_until(comm, "mask")
    second, _ = await receive_until(comm, "mask")
    assert (first["event_id"], second["event_id"]) == ("c1", "c2")
    assert second["step"] == 2
    await comm.disconnect()


async def test_accept_over_the_socket_saves_the_annotation(live: dict[str, Any]) -> None:
    comm, session = await opened(live)
    await comm.send_json_to(click(session, "c", *live["inside"]))
    await receive_until(comm, "mask")
    await comm.send_json_to({"type": "accept", "session_id": session["session_id"], "event_id": "a"})
    accepted, _ = await receive_until(comm, "accepted")
    assert accepted["annotation_id"] > 0 and accepted["area"] > 0
    await comm.send_json_to(click(session, "late", *live["inside"]))
    error, _ = await receive_until(comm, "error")
    assert error["code"] == "session_closed"
    await comm.disconnect()


async def test_a_cross_origin_connection_is_refused(live: dict[str, Any]) -> None:
    comm = communicator(live["setup"].project.id, live["cookie"], origin="http://evil.example")
    connected, _ = await comm.connect()
    assert not connected


async def test_a_second_socket_can_continue_a_session_it_did_not_open(live: dict[str, Any]) -> None:
    first, session = await opened(live)
    await first.disconnect()
    second = communicator(live["setup"].project.id, live["cookie"])
    assert (await second.connect())[0]
    await second.receive_json_from()
    await second.send_json_to(click(session, "after-reconnect", *live["inside"]))
    mask, _ = await receive_until(second, "mask")
    assert mask["event_id"] == "after-reconnect" and mask["area"] > 0
    await second.disconnect()


async def test_opening_a_session_prepares_the_image_before_the_first_click(live: dict[str, Any]) -> None:
    setup = live["setup"]
    # An image no other test uses, so no earlier test can have prepared it.
    image, scene = await database_sync_to_async(upload_scene)(
        setup.project, setup.admin, width=1200, height=900, seed=41
    )
    ys, xs = scene.masks[0].nonzero()
    comm = communicator(setup.project.id, live["cookie"])
    assert (await comm.connect())[0]
    await comm.receive_json_from()
    await comm.send_json_to({"type": "open", "image_id": image.id, "class_id": setup.label_class.id})
    session, _ = await receive_until(comm, "session")
    await comm.send_json_to(click(session, "first", float(xs.mean()), float(ys.mean())))
    mask, _ = await receive_until(comm, "mask")
    # The once-per-image step ran when the session opened, so the click found it cached.
    assert mask["prepare_ms"] < 1
    await comm.disconnect()


@pytest.mark.skipif(not settings.REDIS_URL, reason="the Redis channel layer needs REDIS_URL")
async def test_a_page_left_idle_longer_than_redis_clients_time_out_still_gets_its_masks(
    live: dict[str, Any],
) -> None:
    comm, session = await opened(live)
    # redis-py times a socket read out after 5 s by default: the layer's connections must
    # outlive an idle spell longer than that (the core layer's 5 s blocking pop once did not).
    await asyncio.sleep(7)
    await comm.send_json_to(click(session, "after-idle", *live["inside"]))
    mask, _ = await receive_until(comm, "mask")
    assert mask["event_id"] == "after-idle"
    await comm.disconnect()
