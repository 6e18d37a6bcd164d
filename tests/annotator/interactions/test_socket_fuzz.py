"""Whatever a client sends, the socket answers and stays open: hypothesis makes frames (arbitrary
JSON, wrong types, huge numbers, deep nesting, unknown kinds, text that is not JSON) and sends
them through the real ASGI app to a member's page with a session open. Each frame is followed by
a ping; before its pong the frame must have had an answer, every error frame has a code, and a
refused frame stored nothing."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.interactions import services
from annotator.interactions.models import InteractionEvent, InteractionSession
from annotator.interactions.protocol import EVENT_KINDS
from tests.annotator.interactions.wsclient import communicator, session_cookie
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager_tasks")]

FIELDS = (
    "session_id", "event_id", "seq", "x", "y", "positive", "x0", "y0", "x1", "y1", "points", "thickness",
    "size", "erase", "annotation_id", "index", "class_id", "revision", "image_id", "t",
)  # fmt: skip
TYPES = (*EVENT_KINDS, "ping", "open", "hold", "teleport", "", "CLICK")
# Answers a frame gets in the handler, before the next frame is read; masks, previews and the
# like come later from the step.
ANSWERS = {"error", "ack", "pong", "session", "held"}

huge = st.integers(min_value=-(2**80), max_value=2**80)
leaves = st.none() | st.booleans() | st.integers() | huge | st.floats() | st.text(max_size=12)
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


def nested(depth: int, leaf: str = "0") -> str:
    return "[" * depth + leaf + "]" * depth


def templates(session_id: int, image_id: int, class_id: int) -> list[dict[str, Any]]:
    """One valid frame of each kind, for the page's session."""
    event = {"session_id": session_id, "event_id": "e1", "seq": 1}
    stroke = {"points": [[5, 5], [20, 5]], "positive": True}
    return [
        {"type": "ping", "t": 1},
        {"type": "open", "image_id": image_id, "class_id": class_id},
        {"type": "hold", "session_id": session_id},
        {"type": "click", **event, "x": 5, "y": 5, "positive": True},
        {"type": "box", **event, "x0": 2, "y0": 2, "x1": 30, "y1": 30},
        {"type": "scribble", **event, **stroke, "thickness": 3},
        {"type": "brush", **event, **stroke, "size": 3, "erase": False},
        {"type": "start", **event, "annotation_id": 1},
        {"type": "choose", **event, "index": 1},
        {"type": "undo", **event},
        {"type": "redo", **event},
        {"type": "accept", **event, "class_id": class_id, "revision": 1},
        {"type": "cancel", **event},
    ]


def frames(session_id: int, image_id: int, class_id: int) -> st.SearchStrategy[str]:
    """Frame texts, most of them wrong in some way: valid frames with fields changed or left
    out, frames of any type with any fields, any JSON, deep nesting, text that is not JSON."""
    near = {
        "session_id": st.sampled_from([session_id, 0, -1, 2**63, 10**30]),
        "image_id": st.sampled_from([image_id, 0, 10**30]),
        "event_id": st.text(max_size=70) | st.sampled_from(["e2", "x" * 64, "x" * 65]),
        "points": st.lists(st.lists(st.floats() | huge, max_size=3), max_size=5),
    }
    field = st.sampled_from(FIELDS).flatmap(
        lambda key: st.tuples(st.just(key), near.get(key, values) | values)
    )
    gone = st.tuples(st.sampled_from(FIELDS), st.just(GONE))
    changes = st.lists(field | gone, min_size=1, max_size=3)
    changed = st.builds(changed_frame, st.sampled_from(templates(session_id, image_id, class_id)), changes)
    typed = st.builds(
        lambda kind, pairs: {"type": kind, **dict(pairs)},
        st.sampled_from(TYPES) | values,
        st.lists(field, max_size=8),
    )
    as_json = (changed | typed | values).map(lambda frame: json.dumps(frame, allow_nan=True))
    deep = st.integers(min_value=1, max_value=5000).flatmap(
        lambda depth: st.sampled_from(
            [
                nested(depth),
                f'{{"type": "ping", "t": {nested(depth)}}}',
                f'{{"type": "brush", "session_id": {session_id}, "event_id": "d", "size": 3, "erase": false, '
                f'"points": {nested(depth, "[1, 1]")}}}',
            ]
        )
    )
    return as_json | deep | st.text(max_size=40)


GONE = object()


def changed_frame(frame: dict[str, Any], changes: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(frame)
    for key, value in changes:
        if value is GONE:
            out.pop(key, None)
        else:
            out[key] = value
    return out


@pytest.fixture
def page(project_setup: ProjectSetup) -> dict[str, Any]:
    image, _ = upload_scene(project_setup.project, project_setup.admin, seed=4)
    session = services.session_open(
        user=project_setup.annotator, image=image, label_class=project_setup.label_class
    )
    return {
        "class_id": project_setup.label_class.id,
        "project_id": project_setup.project.id,
        "cookie": session_cookie(project_setup.annotator),
        "session_id": session.id,
        "image_id": image.id,
    }


@database_sync_to_async
def rows() -> tuple[int, int]:
    return InteractionEvent.objects.count(), InteractionSession.objects.count()


async def answers(comm: Any, text: str) -> list[dict[str, Any]]:
    """Send ``text`` then a ping of a token of its own; the frames that came before its pong."""
    token = f"end-{uuid.uuid4().hex}"
    await comm.send_input({"type": "websocket.receive", "text": text})  # "" included
    await comm.send_json_to({"type": "ping", "t": token})
    seen: list[dict[str, Any]] = []
    while True:
        frame = await comm.receive_json_from(timeout=10)
        if frame == {"type": "pong", "t": token}:
            return seen
        seen.append(frame)


@settings(
    max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_frame_is_answered_and_leaves_the_socket_open(page: dict[str, Any], data: st.DataObject) -> None:
    texts = data.draw(
        st.lists(frames(page["session_id"], page["image_id"], page["class_id"]), min_size=1, max_size=4)
    )

    async def talk() -> None:
        comm = communicator(page["project_id"], page["cookie"])
        assert (await comm.connect())[0]
        assert (await comm.receive_json_from())["type"] == "hello"
        for text in texts:
            before = await rows()
            seen = await answers(comm, text)
            direct = [frame for frame in seen if frame["type"] in ANSWERS]
            assert direct, f"no answer to {text[:200]!r}"
            for frame in seen:
                if frame["type"] == "error":
                    assert isinstance(frame["code"], str) and frame["code"]
                    assert isinstance(frame["detail"], str) and frame["detail"]
            if all(frame["type"] in ("error", "pong") for frame in direct):
                assert await rows() == before, f"{text[:200]!r} was refused but stored rows"
        await comm.disconnect()

    async_to_sync(talk)()
