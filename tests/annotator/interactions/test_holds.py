"""A page correcting a saved object holds it: the beat keeps it, leaving gives it back, coming
back takes it again unless someone else has it, and cancelling leaves the object as it was."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async

from annotator.annotations.models import Annotation, AnnotationLock
from annotator.interactions.models import InteractionSession, SessionState
from tests.annotator.interactions.wsclient import communicator, receive_until, session_cookie
from tests.conftest import ProjectSetup
from tests.factories import upload_scene
from tests.saved_objects import save_object

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_tasks", "close_worker_thread_connections"),
]


@database_sync_to_async
def a_saved_object(setup: ProjectSetup) -> tuple[Any, Annotation]:
    image, _ = upload_scene(setup.project, setup.admin, width=160, height=120, seed=6)
    return image, save_object(image, setup.label_class, setup.annotator, at=40)


async def page(user: Any, setup: ProjectSetup, image: Any) -> tuple[Any, dict[str, Any]]:
    comm = communicator(setup.project.id, await database_sync_to_async(session_cookie)(user))
    assert (await comm.connect())[0]
    await comm.receive_json_from()
    await comm.send_json_to({"type": "open", "image_id": image.id, "class_id": setup.label_class.id})
    session, _ = await receive_until(comm, "session")
    return comm, session


async def first_of(comm: Any, *kinds: str) -> dict[str, Any]:
    while True:
        frame: dict[str, Any] = await comm.receive_json_from(timeout=10)
        if frame["type"] in kinds:
            return frame


async def test_a_hold_is_kept_given_back_taken_again_and_cancelled(project_setup: ProjectSetup) -> None:
    image, saved = await a_saved_object(project_setup)
    holders = database_sync_to_async(
        lambda: list(AnnotationLock.objects.values_list("session_id", flat=True))
    )

    author, mine = await page(project_setup.annotator, project_setup, image)
    await author.send_json_to(
        {"type": "start", "session_id": mine["session_id"], "event_id": "s", "annotation_id": saved.id}
    )
    started = await first_of(author, "mask", "error")
    assert started["type"] == "mask" and (started["started_from"], started["started_revision"]) == (
        saved.id,
        1,
    )
    await author.send_json_to({"type": "hold", "session_id": mine["session_id"]})
    held = await first_of(author, "held", "error")
    assert held["type"] == "held" and held["annotation_id"] == saved.id
    assert await holders() == [mine["session_id"]]

    await author.disconnect()  # leaving gives the object back
    assert await holders() == []
    manager, theirs = await page(project_setup.admin, project_setup, image)
    await manager.send_json_to(
        {"type": "start", "session_id": theirs["session_id"], "event_id": "s", "annotation_id": saved.id}
    )
    assert (await first_of(manager, "mask", "error"))["type"] == "mask"

    back, resumed = await page(project_setup.annotator, project_setup, image)  # the same session, resumed
    assert resumed["session_id"] == mine["session_id"] and resumed["started_from"] == saved.id
    lost = await first_of(back, "error")
    assert lost["code"] == "locked" and project_setup.admin.username in lost["detail"]

    await manager.send_json_to({"type": "cancel", "session_id": theirs["session_id"], "event_id": "c"})
    assert (await first_of(manager, "cancelled", "error"))["type"] == "cancelled"
    assert await holders() == []
    state = await database_sync_to_async(
        lambda: InteractionSession.objects.get(id=theirs["session_id"]).state
    )()
    assert state == SessionState.CANCELLED
    revision = await database_sync_to_async(lambda: Annotation.objects.get(id=saved.id).revision)()
    assert revision == 1  # cancelling changed nothing
    await manager.disconnect()
    await back.disconnect()


async def test_an_annotator_cannot_correct_anothers_object_unless_the_project_allows(
    project_setup: ProjectSetup,
) -> None:
    image, _ = await a_saved_object(project_setup)
    admins = await database_sync_to_async(save_object)(
        image, project_setup.label_class, project_setup.admin, at=80
    )
    comm, session = await page(project_setup.annotator, project_setup, image)
    start = {"type": "start", "session_id": session["session_id"], "annotation_id": admins.id}
    await comm.send_json_to({**start, "event_id": "s1"})
    refused = await first_of(comm, "mask", "error")
    assert refused["type"] == "error" and refused["code"] == "not_your_object"

    def allow() -> None:
        project_setup.project.annotators_correct_others = True
        project_setup.project.save()

    await database_sync_to_async(allow)()
    await comm.send_json_to({**start, "event_id": "s2"})
    assert (await first_of(comm, "mask", "error"))["type"] == "mask"
    await comm.disconnect()
