"""Who may outline what on the annotation socket, beyond the permission table's matrix: the
classes an image was assigned for, and an accept after the right to save was taken away."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async

from annotator.annotations.models import Annotation
from annotator.images.assignments import images_assign, images_unassign
from annotator.projects.member_services import member_remove
from annotator.projects.models import Assignment, Membership
from annotator.projects.services import label_class_delete
from tests.annotator.interactions.wsclient import communicator, receive_until, session_cookie
from tests.conftest import ProjectSetup
from tests.factories import LabelClassFactory, upload_scene

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_tasks", "close_worker_thread_connections"),
]


@database_sync_to_async
def assigned_image(setup: ProjectSetup, class_ids: tuple[int, ...] = ()) -> tuple[Any, tuple[float, float]]:
    setup.project.assignment = Assignment.ASSIGNED
    setup.project.save()
    image, scene = upload_scene(setup.project, setup.admin, width=160, height=120, seed=3)
    images_assign(
        project=setup.project,
        user=setup.annotator,
        assigned_by=setup.admin,
        image_ids=[image.id],
        class_ids=class_ids,
    )
    ys, xs = scene.masks[0].nonzero()
    return image, (float(xs.mean()), float(ys.mean()))


async def page(setup: ProjectSetup) -> Any:
    comm = communicator(setup.project.id, await database_sync_to_async(session_cookie)(setup.annotator))
    assert (await comm.connect())[0]
    await comm.receive_json_from()
    return comm


async def open_session(comm: Any, image: Any, class_id: int) -> dict[str, Any]:
    await comm.send_json_to({"type": "open", "image_id": image.id, "class_id": class_id})
    return dict(await comm.receive_json_from(timeout=10))


async def outline(comm: Any, session: dict[str, Any], inside: tuple[float, float]) -> None:
    x, y = inside
    await comm.send_json_to(
        {
            "type": "click",
            "session_id": session["session_id"],
            "event_id": "c1",
            "x": x,
            "y": y,
            "positive": True,
        }
    )
    await receive_until(comm, "mask")


async def accept(comm: Any, session: dict[str, Any], class_id: int) -> dict[str, Any]:
    await comm.send_json_to(
        {"type": "accept", "session_id": session["session_id"], "event_id": "a1", "class_id": class_id}
    )
    while True:
        frame = dict(await comm.receive_json_from(timeout=10))
        if frame["type"] in ("accepted", "error"):
            return frame


async def test_an_image_assigned_for_some_classes_takes_objects_of_those_only(
    project_setup: ProjectSetup,
) -> None:
    tree = await database_sync_to_async(LabelClassFactory)(project=project_setup.project, name="tree")
    image, inside = await assigned_image(project_setup, class_ids=(tree.id,))
    comm = await page(project_setup)
    refused = await open_session(comm, image, project_setup.label_class.id)
    assert refused["type"] == "error" and refused["code"] == "class_not_assigned"
    session = await open_session(comm, image, tree.id)
    assert session["type"] == "session"
    await outline(comm, session, inside)
    wrong = await accept(comm, session, project_setup.label_class.id)
    assert wrong["type"] == "error" and wrong["code"] == "class_not_assigned"
    right = await accept(comm, session, tree.id)
    assert right["type"] == "accepted" and right["class_id"] == tree.id
    await comm.disconnect()


async def test_an_image_taken_back_meanwhile_saves_nothing(project_setup: ProjectSetup) -> None:
    image, inside = await assigned_image(project_setup)
    comm = await page(project_setup)
    session = await open_session(comm, image, project_setup.label_class.id)
    await outline(comm, session, inside)
    await database_sync_to_async(images_unassign)(
        project=project_setup.project, image_ids=[image.id], taken_by=project_setup.admin
    )
    refused = await accept(comm, session, project_setup.label_class.id)
    assert refused["type"] == "error" and refused["code"] == "not_assigned"
    assert not await database_sync_to_async(Annotation.objects.exists)()
    await comm.disconnect()


async def test_a_member_removed_meanwhile_saves_nothing(project_setup: ProjectSetup) -> None:
    image, inside = await assigned_image(project_setup)
    comm = await page(project_setup)
    session = await open_session(comm, image, project_setup.label_class.id)
    await outline(comm, session, inside)

    def remove() -> None:
        membership = Membership.objects.select_related("project").get(
            project=project_setup.project, user=project_setup.annotator
        )
        member_remove(membership=membership, removed_by=project_setup.admin)

    await database_sync_to_async(remove)()
    refused = await accept(comm, session, project_setup.label_class.id)
    assert refused["type"] == "error" and refused["code"] == "not_found"
    assert not await database_sync_to_async(Annotation.objects.exists)()
    await comm.disconnect()


async def test_a_deleted_class_takes_no_new_session(project_setup: ProjectSetup) -> None:
    image, _ = await assigned_image(project_setup)
    tree = await database_sync_to_async(LabelClassFactory)(project=project_setup.project, name="tree")
    await database_sync_to_async(label_class_delete)(label_class=tree, confirm=False)
    comm = await page(project_setup)
    refused = await open_session(comm, image, tree.id)
    assert refused["type"] == "error" and refused["code"] == "unknown_class"
    await comm.disconnect()
