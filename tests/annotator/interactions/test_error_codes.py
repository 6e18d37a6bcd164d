"""Every error code the annotation socket can send is in docs/protocol.md, and the doc lists no
code the server never sends; the codes no other test provokes over the socket are provoked here."""

from __future__ import annotations

import ast
import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers

from annotator.images.models import ImageAsset
from inference.synthetic import Scene
from tests.annotator.interactions.tcp_proxy import tcp_proxy
from tests.annotator.interactions.wsclient import connected_page, open_on, open_page, receive_until
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

ROOT = Path(__file__).resolve().parents[3]
PROTOCOL = ROOT / "docs" / "protocol.md"
# Modules whose every error code reaches the page: the socket's own and the object holds.
SOCKET_MODULES = [
    *sorted((ROOT / "annotator" / "interactions").glob("*.py")),
    *sorted((ROOT / "annotator" / "serving").glob("*.py")),
    ROOT / "annotator" / "annotations" / "locks.py",
]
# Functions of other apps the socket's path calls (the consumer, its access checks, the steps).
CALLED = {
    "annotator/images/selectors.py": ("image_get", "image_is_own", "assigned_class_ids"),
    "annotator/projects/selectors.py": ("label_class_get", "membership_get", "check_allowed"),
    "annotator/annotations/selectors.py": ("annotation_get", "annotation_access"),
    "annotator/annotations/services.py": ("annotation_create", "annotation_correct"),
}
# The code of a domain error raised without one (annotator/common/errors.py).
DEFAULT_CODES = {
    "NotFound": "not_found",
    "Forbidden": "forbidden",
    "Conflict": "conflict",
    "InvalidInput": "invalid",
}
CODE_LITERAL = re.compile(r"""(?:\bcode\s*=\s*|["']code["']\s*:\s*)["']([a-z_]+)["']""")


def _codes_of_functions(path: Path, names: tuple[str, ...]) -> set[str]:
    tree = ast.parse(path.read_text())
    codes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in names:
            for raised in ast.walk(node):
                if not (isinstance(raised, ast.Raise) and isinstance(raised.exc, ast.Call)):
                    continue
                code = next((k.value for k in raised.exc.keywords if k.arg == "code"), None)
                if isinstance(code, ast.Constant):
                    codes.add(code.value)
                elif code is None and isinstance(raised.exc.func, ast.Name):
                    codes.add(DEFAULT_CODES.get(raised.exc.func.id, raised.exc.func.id))
    return codes


def codes_sent() -> set[str]:
    codes: set[str] = set()
    for path in SOCKET_MODULES:
        codes |= set(CODE_LITERAL.findall(path.read_text()))
    for relative, names in CALLED.items():
        codes |= _codes_of_functions(ROOT / relative, names)
    selectors = (ROOT / "annotator" / "projects" / "selectors.py").read_text()
    not_own = re.search(r"_NOT_OWN_CODES = \{(.*?)\}", selectors, re.DOTALL)
    assert not_own is not None
    codes |= set(re.findall(r'"([a-z_]+)"', not_own.group(1)))
    return codes


def codes_documented() -> set[str]:
    table = PROTOCOL.read_text().split("### Error codes", 1)[1].split("\n## ", 1)[0]
    return {
        code
        for row in table.splitlines()
        if row.startswith("| `")
        for code in re.findall(r"`([a-z_]+)`", row.split(" | ")[0])
    }


def test_every_code_the_socket_can_send_is_documented() -> None:
    sent = codes_sent()
    assert {"unknown_class", "dispatch_failed", "rate_limited", "not_assigned", "locked"} <= sent
    assert sorted(sent - codes_documented()) == []


def test_the_doc_lists_no_code_the_socket_never_sends() -> None:
    assert sorted(codes_documented() - codes_sent()) == []


async def _error(comm: Any, frame: dict[str, Any]) -> dict[str, Any]:
    """Send ``frame``; the error frame that names its event (or the first one, for a frame with
    no event)."""
    await comm.send_json_to(frame)
    while True:
        error, _ = await receive_until(comm, "error")
        if error.get("event_id") == frame.get("event_id"):
            return error


async def _uploaded_image(setup: ProjectSetup, seed: int) -> tuple[ImageAsset, Scene]:
    return await sync_to_async(upload_scene)(setup.project, setup.admin, seed=seed)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager_tasks", "close_worker_thread_connections")
async def test_an_empty_history_answers_nothing_to_undo_redo_and_an_empty_accept(
    project_setup: ProjectSetup,
) -> None:
    comm, session, _ = await open_page(project_setup, seed=4)
    sid = session["session_id"]
    assert (await _error(comm, {"type": "undo", "session_id": sid, "event_id": "u"}))[
        "code"
    ] == "nothing_to_undo"
    assert (await _error(comm, {"type": "redo", "session_id": sid, "event_id": "r"}))[
        "code"
    ] == "nothing_to_redo"
    assert (await _error(comm, {"type": "accept", "session_id": sid, "event_id": "a"}))[
        "code"
    ] == "empty_mask"
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager_tasks", "close_worker_thread_connections", "fresh_worker")
async def test_an_image_the_engine_cannot_read_answers_engine_error(project_setup: ProjectSetup) -> None:
    image, scene = await _uploaded_image(project_setup, seed=5)
    Path(image.file.path).write_bytes(b"not an image any more")  # the stored file lost, as on a failed disk
    comm, session = await open_on(project_setup, image)
    ys, xs = scene.masks[0].nonzero()
    click = {"type": "click", "session_id": session["session_id"], "event_id": "c", "x": float(xs.mean()),
             "y": float(ys.mean()), "positive": True}  # fmt: skip
    error = await _error(comm, click)
    assert error["code"] == "engine_error" and error["session_id"] == session["session_id"]
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_worker_thread_connections")
async def test_a_channel_layer_lost_after_connecting_answers_open_with_workers_unreachable(
    project_setup: ProjectSetup, settings: Any
) -> None:
    image, _ = await _uploaded_image(project_setup, seed=6)
    with tcp_proxy("127.0.0.1", 6379) as proxy:
        address = f"redis://127.0.0.1:{proxy.port}/0"
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [{"address": address, "socket_connect_timeout": 1, "socket_timeout": 1}]},
            }
        }
        channel_layers.backends.clear()
        try:
            comm = await connected_page(project_setup, timeout=30)
            proxy.cut()
            await asyncio.sleep(0.5)  # the layer's reader notices the lost connection
            opening = {"type": "open", "image_id": image.id, "class_id": project_setup.label_class.id}
            error = await _error(comm, opening)
            assert error["code"] == "workers_unreachable" and "cannot reach its workers" in error["detail"]
            await comm.disconnect()
        finally:
            channel_layers.backends.clear()
