"""A project to test permissions in, and one probe per action of the permission table.

The world: a project that hands images out, one member of each role (the actor is one of
them), a colleague annotator, images assigned to the actor (``mine``) and to the colleague
(``theirs``), objects the actor and the colleague made on the actor's image, deleted ones, a
finished image, an unassigned one. A probe does its action as a real client would (over HTTP,
or the annotation socket) on the actor's own target or another's, and says how it went.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from annotator.annotations.models import Annotation
from annotator.images.models import ImageAsset, ImageAssignment, ImageStatus
from annotator.projects.models import Assignment, LabelClass, Project, Role
from annotator.projects.permissions import Action
from tests.annotator.interactions.wsclient import communicator, session_cookie
from tests.factories import (
    LabelClassFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
    png_bytes,
    upload_scene,
)
from tests.saved_objects import save_object

ALLOWED, FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, ARCHIVED = (
    "allowed",
    "forbidden",
    "not_found",
    "401",
    "archived",
)
FORBIDDEN_CODES = ("forbidden", "not_assigned", "not_your_object")


@dataclass
class World:
    project: Project
    actor: User | None  # None: anonymous
    members: dict[str, User]
    colleague: User
    label_class: LabelClass
    deleted_class: LabelClass
    images: dict[str, ImageAsset]
    objects: dict[str, Annotation]


def _assign(image: ImageAsset, user: User, by: User) -> None:
    ImageAssignment.objects.create(image=image, user=user, assigned_by=by)


def _object(image: ImageAsset, label_class: LabelClass, author: User, *, deleted: bool = False) -> Annotation:
    annotation = save_object(image, label_class, author)
    if deleted:
        Annotation.all_objects.filter(id=annotation.id).update(deleted_at=timezone.now(), deleted_by=author)
    return annotation


def build_world(actor_role: str) -> World:
    """``actor_role``: a role, ``"outsider"`` (a user of no project role) or ``"anonymous"``."""
    admin = UserFactory()
    project = ProjectFactory(created_by=admin, assignment=Assignment.ASSIGNED)
    members = {Role.ADMIN.value: admin}
    MembershipFactory(project=project, user=admin, role=Role.ADMIN)
    for role in (Role.MANAGER, Role.REVIEWER, Role.ANNOTATOR):
        members[role.value] = MembershipFactory(project=project, role=role).user
    colleague = MembershipFactory(project=project, role=Role.ANNOTATOR).user
    actor = (
        None
        if actor_role == "anonymous"
        else UserFactory()
        if actor_role == "outsider"
        else members[actor_role]
    )
    acting = actor or members[Role.ANNOTATOR]
    label_class = LabelClassFactory(project=project, name="shape")
    deleted_class = LabelClassFactory(project=project, name="gone", deleted_at=timezone.now())
    images = {
        name: upload_scene(project, admin, width=48, height=32, seed=seed)[0]
        for seed, name in enumerate(("mine", "theirs", "done", "free", "deleted"))
    }
    _assign(images["mine"], acting, admin)
    _assign(images["mine"], colleague, admin)
    _assign(images["theirs"], colleague, admin)
    ImageAsset.objects.filter(id=images["done"].id).update(status=ImageStatus.DONE)
    ImageAsset.objects.filter(id=images["deleted"].id).update(deleted_at=timezone.now())
    objects = {
        "mine": _object(images["mine"], label_class, acting),
        "theirs": _object(images["mine"], label_class, colleague),
        "deleted_mine": _object(images["mine"], label_class, acting, deleted=True),
        "deleted_theirs": _object(images["mine"], label_class, colleague, deleted=True),
    }
    return World(project, actor, members, colleague, label_class, deleted_class, images, objects)


def _client(world: World) -> APIClient:
    client = APIClient()
    if world.actor is not None:
        client.force_authenticate(world.actor)
    return client


def _outcome(status: int, body: Any) -> str:
    if 200 <= status < 300:
        return ALLOWED
    code = body.get("code") if isinstance(body, dict) else None
    if status == 401:
        return UNAUTHENTICATED
    if status == 404:
        return NOT_FOUND
    if status == 403 and code in FORBIDDEN_CODES:
        return FORBIDDEN
    if status == 409 and code == "project_archived":
        return ARCHIVED
    raise AssertionError(f"unexpected answer {status} {body}")


Probe = Callable[[World, bool], str]


def http(method: str, url: Callable[[World, bool], str], data: Callable[[World], Any] | None = None) -> Probe:
    """A probe that sends one request: ``url(world, own)``, ``data(world)`` as JSON."""

    def probe(world: World, own: bool) -> str:
        client = _client(world)
        body = data(world) if data is not None else None
        response = getattr(client, method)(url(world, own), body, format="json")
        return _outcome(response.status_code, getattr(response, "data", None))

    return probe


def upload(world: World, own: bool) -> str:
    file = SimpleUploadedFile(
        "new.png", png_bytes(np.full((8, 8, 3), 90, np.uint8)), content_type="image/png"
    )
    response = _client(world).post(
        f"/api/projects/{world.project.id}/images/", {"file": file}, format="multipart"
    )
    return _outcome(response.status_code, response.data)


def take(world: World, own: bool) -> str:
    Project.objects.filter(id=world.project.id).update(assignment=Assignment.ON_DEMAND)
    response = _client(world).post(f"/api/projects/{world.project.id}/work/take/")
    return _outcome(response.status_code, response.data)


def socket(start: bool) -> Probe:
    """Open a session on an image over the annotation socket (``start``: then begin correcting
    an object with the ``start`` event)."""

    def probe(world: World, own: bool) -> str:
        return async_to_sync(_socket)(world, own, start)

    return probe


async def _socket(world: World, own: bool, start: bool) -> str:
    cookie = None if world.actor is None else await database_sync_to_async(session_cookie)(world.actor)
    comm = communicator(world.project.id, cookie)
    connected, code = await comm.connect()
    if not connected:
        return {4401: UNAUTHENTICATED, 4404: NOT_FOUND}[code]
    try:
        await comm.receive_json_from()  # hello
        image = world.images["mine" if own or start else "theirs"]
        await comm.send_json_to({"type": "open", "image_id": image.id, "class_id": world.label_class.id})
        frame = await comm.receive_json_from(timeout=10)
        if frame["type"] == "session" and start:
            target = world.objects["mine" if own else "theirs"]
            await comm.send_json_to(
                {
                    "type": "start",
                    "session_id": frame["session_id"],
                    "event_id": "s1",
                    "annotation_id": target.id,
                }
            )
            frame = await _first_of(comm, ("mask", "error"))
        if frame["type"] in ("session", "mask"):
            return ALLOWED
        assert frame["type"] == "error", frame
        return _outcome(409 if frame["code"] == "project_archived" else 403, frame)
    finally:
        await comm.disconnect()


async def _first_of(comm: Any, kinds: tuple[str, ...]) -> dict[str, Any]:
    while True:
        frame: dict[str, Any] = await comm.receive_json_from(timeout=10)
        if frame["type"] in kinds:
            return frame


def _project(path: str = "") -> Callable[[World, bool], str]:
    return lambda world, own: f"/api/projects/{world.project.id}/{path}"


def _image(path: str = "", mine: str = "mine", theirs: str = "theirs") -> Callable[[World, bool], str]:
    return lambda world, own: f"/api/images/{world.images[mine if own else theirs].id}/{path}"


def _object_url(path: str = "", mine: str = "mine", theirs: str = "theirs") -> Callable[[World, bool], str]:
    def url(world: World, own: bool) -> str:
        return (
            f"/api/projects/{world.project.id}/annotations/{world.objects[mine if own else theirs].id}/{path}"
        )

    return url


PROBES: dict[Action, Probe] = {
    Action.PROJECT_VIEW: http("get", _project()),
    Action.PROJECT_CONFIGURE: http("patch", _project(), lambda w: {"description": "changed"}),
    Action.PROJECT_ARCHIVE: http("post", _project("archive/")),
    Action.PROJECT_PROGRESS: http("get", _project("progress/")),
    Action.MEMBER_LIST: http("get", _project("members/")),
    Action.MEMBER_MANAGE: http(
        "post", _project("members/"), lambda w: {"user": UserFactory().username, "role": "annotator"}
    ),
    Action.INVITATION_MANAGE: http("post", _project("invitations/"), lambda w: {"role": "annotator"}),
    Action.CLASS_MANAGE: http("post", _project("classes/"), lambda w: {"name": "tree"}),
    Action.CLASS_RESTORE: http(
        "post", lambda w, own: f"/api/projects/{w.project.id}/classes/{w.deleted_class.id}/restore/"
    ),
    Action.ADAPTATION_VIEW: http("get", _project("adaptation/")),
    Action.ADAPTATION_MANAGE: http("patch", _project("adaptation/"), lambda w: {"enabled": False}),
    Action.IMAGE_VIEW: http("get", _image()),
    Action.IMAGE_UPLOAD: upload,
    Action.IMAGE_DELETE: http("delete", _image(mine="free", theirs="free")),
    Action.IMAGE_RESTORE: http("post", _image("restore/", mine="deleted", theirs="deleted")),
    Action.IMAGE_ASSIGN: http(
        "post", _project("assignments/"), lambda w: {"user": w.colleague.id, "images": [w.images["free"].id]}
    ),
    Action.IMAGE_FINISH: http("post", _image("status/"), lambda w: {"status": "done"}),
    Action.IMAGE_REVIEW: http(
        "post", _image("status/", mine="done", theirs="done"), lambda w: {"status": "accepted"}
    ),
    Action.WORK_TAKE: take,
    Action.SESSION_OPEN: socket(start=False),
    Action.ANNOTATION_CORRECT: socket(start=True),
    Action.ANNOTATION_DELETE: http("delete", _object_url()),
    Action.ANNOTATION_RESTORE: http("post", _object_url("restore/", "deleted_mine", "deleted_theirs")),
    Action.ANNOTATION_TRASH: http(
        "get", lambda w, own: f"/api/projects/{w.project.id}/annotations/?deleted=1"
    ),
}

SOCKET_ACTIONS = (Action.SESSION_OPEN, Action.ANNOTATION_CORRECT)


def archive(world: World) -> None:
    Project.objects.filter(id=world.project.id).update(archived_at=timezone.now())
