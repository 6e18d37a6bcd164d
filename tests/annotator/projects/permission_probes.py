"""A probe for every endpoint and socket action of the permission table: one request as a real
client would make it (over HTTP, or the annotation socket), in a ``permission_world``, on the
actor's own target or another's; each says how it went."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from annotator.annotations.services import annotation_relabel
from annotator.projects.models import Assignment, LabelClass, Project
from annotator.projects.permissions import Action
from annotator.review.models import ObjectReview
from tests.annotator.interactions.wsclient import communicator, session_cookie
from tests.annotator.projects.permission_world import World
from tests.factories import UserFactory, png_bytes

ALLOWED, FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, ARCHIVED = (
    "allowed",
    "forbidden",
    "not_found",
    "401",
    "archived",
)
FORBIDDEN_CODES = ("forbidden", "not_assigned", "not_your_object")
# Refusals that come after the permission check, from what the request asks: it was let through.
PAST_THE_CHECK = ("not_sam",)


def _client(world: World) -> APIClient:
    client = APIClient()
    if world.actor is not None:
        client.force_authenticate(world.actor)
    return client


def _outcome(status: int, body: Any) -> str:
    code = body.get("code") if isinstance(body, dict) else None
    if 200 <= status < 300 or (status == 400 and code in PAST_THE_CHECK):
        return ALLOWED
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
Url = Callable[[World, bool], str]


def http(method: str, url: Url, data: Callable[[World], Any] | None = None) -> Probe:
    """A probe that sends one request: ``url(world, own)``, ``data(world)`` as JSON."""

    def probe(world: World, own: bool) -> str:
        body = data(world) if data is not None else None
        response = getattr(_client(world), method)(url(world, own), body, format="json")
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


def matte(world: World, own: bool) -> str:
    response = _client(world).get(
        f"/api/projects/{world.project.id}/annotations/{world.objects['mine'].id}/matte.png"
    )
    return _outcome(response.status_code, getattr(response, "data", None))


def revert(world: World, own: bool) -> str:
    """Return the object to its revision 1 (it has a second, a relabel made beforehand)."""
    target = world.objects["mine" if own else "theirs"]
    annotation_relabel(annotation=target, label_class=world.classes["unused"], user=target.author, base=1)
    first = target.revisions.get(number=1)
    url = f"/api/projects/{world.project.id}/annotations/{target.id}/revisions/{first.id}/restore/"
    response = _client(world).post(url, {"revision": 2}, format="json")
    return _outcome(response.status_code, response.data)


def download(world: World, own: bool) -> str:
    response = _client(world).get(f"/api/projects/{world.project.id}/exports/{world.export.id}/download/")
    return _outcome(response.status_code, getattr(response, "data", None))


def import_images(world: World, own: bool) -> str:
    archive = SimpleUploadedFile("images.zip", b"PK\x05\x06" + b"\0" * 18, content_type="application/zip")
    body = {"format": "images", "file": archive}
    response = _client(world).post(f"/api/projects/{world.project.id}/imports/", body, format="multipart")
    return _outcome(response.status_code, response.data)


def finish(world: World, own: bool) -> str:
    """Finish the review of the done image, its one object accepted beforehand."""
    on_done = world.objects["on_done"]
    ObjectReview.objects.create(
        annotation=on_done, image=world.images["done"], revision=on_done.revision, verdict="accepted",
        reviewer=world.colleague,
    )  # fmt: skip
    response = _client(world).post(f"/api/images/{world.images['done'].id}/review/finish/", {}, format="json")
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
    refusals = {4401: UNAUTHENTICATED, 4404: NOT_FOUND}
    if not connected:
        return refusals[code]
    try:
        first = await comm.receive_output(timeout=10)  # hello, or a refusal: accepted, then closed
        if first["type"] == "websocket.close":
            return refusals[first["code"]]
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


def _project(path: str = "") -> Url:
    return lambda world, own: f"/api/projects/{world.project.id}/{path}"


def _image(path: str = "", mine: str = "mine", theirs: str = "theirs") -> Url:
    return lambda world, own: f"/api/images/{world.images[mine if own else theirs].id}/{path}"


def _object_url(path: str = "", mine: str = "mine", theirs: str = "theirs") -> Url:
    def url(world: World, own: bool) -> str:
        return (
            f"/api/projects/{world.project.id}/annotations/{world.objects[mine if own else theirs].id}/{path}"
        )

    return url


def _class(name: str, path: str = "") -> Url:
    return lambda world, own: f"/api/projects/{world.project.id}/classes/{world.classes[name].id}/{path}"


def _decoder(path: str = "") -> Url:
    return lambda world, own: (
        f"/api/projects/{world.project.id}/classes/{world.label_class.id}/decoder/{path}"
    )


def _status(status: str) -> Callable[[World], Any]:
    return lambda world: {"status": status}


# Every endpoint and socket action, by the action of the table it asks for.
PROBES: dict[Action, dict[str, Probe]] = {
    Action.PROJECT_VIEW: {
        "GET project": http("get", _project()),
        "GET classes": http("get", _project("classes/")),
        "GET images": http("get", _project("images/")),
        "GET annotations": http("get", _project("annotations/")),
        "GET work": http("get", _project("work/")),
        "GET work/around": http("get", lambda w, own: f"/api/projects/{w.project.id}/work/around/?image=1"),
        "GET matte.png": matte,
        "GET annotation": http("get", _object_url()),
        "GET revisions": http("get", _object_url("revisions/")),
        "GET annotation reviews": http("get", _object_url("reviews/")),
    },
    Action.PROJECT_CONFIGURE: {
        "PATCH project": http("patch", _project(), lambda w: {"description": "changed"})
    },
    Action.PROJECT_ARCHIVE: {"POST archive": http("post", _project("archive/"))},
    Action.PROJECT_PROGRESS: {
        "GET progress": http("get", _project("progress/")),
        "GET assignments": http("get", _project("assignments/")),
        "GET review queue": http("get", _project("review/")),
    },
    Action.MEMBER_LIST: {"GET members": http("get", _project("members/"))},
    Action.MEMBER_MANAGE: {
        "POST members": http(
            "post", _project("members/"), lambda w: {"user": UserFactory().username, "role": "annotator"}
        ),
        "PATCH member": http(
            "patch",
            lambda w, own: f"/api/projects/{w.project.id}/members/{w.colleague.id}/",
            lambda w: {"role": "reviewer"},
        ),
        "DELETE member": http(
            "delete", lambda w, own: f"/api/projects/{w.project.id}/members/{w.colleague.id}/"
        ),
    },
    Action.INVITATION_MANAGE: {
        "GET invitations": http("get", _project("invitations/")),
        "POST invitations": http("post", _project("invitations/"), lambda w: {"role": "annotator"}),
        "DELETE invitation": http(
            "delete", lambda w, own: f"/api/projects/{w.project.id}/invitations/{w.invitation.id}/"
        ),
    },
    Action.CLASS_MANAGE: {
        "POST classes": http("post", _project("classes/"), lambda w: {"name": "tree"}),
        "DELETE class": http("delete", _class("unused")),
        "PATCH class": http("patch", _class("unused"), lambda w: {"colour": "#123456"}),
        "POST classes order": http(
            "post",
            _project("classes/order/"),
            lambda w: {
                "class_ids": list(LabelClass.objects.filter(project=w.project).values_list("id", flat=True))
            },
        ),
    },
    Action.CLASS_RESTORE: {
        "GET deleted classes": http("get", lambda w, own: f"/api/projects/{w.project.id}/classes/?deleted=1"),
        "POST class restore": http("post", _class("deleted", "restore/")),
    },
    Action.ADAPTATION_VIEW: {
        "GET adaptation": http("get", _project("adaptation/")),
        "GET decoder": http("get", _decoder()),
        "GET replay check": http("get", lambda w, own: f"{_decoder()(w, own)}replay/{w.replay.id}/"),
    },
    Action.ADAPTATION_MANAGE: {
        "PATCH adaptation": http("patch", _project("adaptation/"), lambda w: {"enabled": False}),
        "PATCH decoder": http("patch", _decoder(), lambda w: {"enabled": False}),
        "POST rollback": http("post", _decoder("rollback/"), lambda w: {"version": 0}),
        "POST reset": http("post", _decoder("reset/")),
        "POST replay": http("post", _decoder("replay/"), lambda w: {"version": 0}),
    },
    Action.IMAGE_VIEW: {
        "GET image": http("get", _image()),
        "GET image file": http("get", _image("file/")),
        "GET image history": http("get", _image("history/")),
        "GET image review": http("get", _image("review/")),
        "GET review history": http("get", _image("review/history/")),
    },
    Action.IMAGE_UPLOAD: {"POST images": upload},
    Action.IMAGE_DELETE: {
        "DELETE image": http("delete", _image(mine="free", theirs="free")),
        "POST images/delete": http(
            "post", _project("images/delete/"), lambda w: {"images": [w.images["free"].id]}
        ),
    },
    Action.IMAGE_RESTORE: {
        "POST image restore": http("post", _image("restore/", mine="deleted", theirs="deleted"))
    },
    Action.IMAGE_ASSIGN: {
        "POST assignments": http(
            "post",
            _project("assignments/"),
            lambda w: {"user": w.colleague.id, "images": [w.images["free"].id]},
        ),
        "POST assignments/remove": http(
            "post", _project("assignments/remove/"), lambda w: {"images": [w.images["theirs"].id]}
        ),
    },
    Action.IMAGE_FINISH: {
        "POST status done": http("post", _image("status/"), _status("done")),
        "POST status in_progress": http(
            "post", _image("status/", "finished_mine", "finished_theirs"), _status("in_progress")
        ),
    },
    Action.IMAGE_REVIEW: {
        "POST status accepted": http("post", _image("status/", "done", "done"), _status("accepted")),
        "POST status needs_fixes": http("post", _image("status/", "done", "done"), _status("needs_fixes")),
        "POST object verdict": http(
            "post",
            lambda w, own: f"/api/images/{w.images['done'].id}/review/objects/{w.objects['on_done'].id}/",
            lambda w: {"verdict": "accepted"},
        ),
        "POST comment": http("post", _image("comments/", "done", "done"), lambda w: {"text": "the edge"}),
        "POST comment resolve": http(
            "post", lambda w, own: f"/api/images/{w.images['done'].id}/comments/{w.comment.id}/resolve/"
        ),
        "POST review finish": finish,
        "POST status in_progress (accepted)": http(
            "post", _image("status/", "accepted", "accepted"), _status("in_progress")
        ),
    },
    Action.WORK_TAKE: {"POST work/take": take},
    Action.SESSION_OPEN: {"socket open": socket(start=False)},
    Action.ANNOTATION_CORRECT: {
        "socket start": socket(start=True),
        "PATCH annotation (relabel)": http(
            "patch", _object_url(), lambda w: {"label_class": w.classes["unused"].id, "revision": 1}
        ),
        "POST revision restore": revert,
    },
    Action.ANNOTATION_DELETE: {"DELETE annotation": http("delete", _object_url())},
    Action.ANNOTATION_RESTORE: {
        "POST annotation restore": http("post", _object_url("restore/", "deleted_mine", "deleted_theirs"))
    },
    Action.ANNOTATION_TRASH: {
        "GET deleted annotations": http(
            "get", lambda w, own: f"/api/projects/{w.project.id}/annotations/?deleted=1"
        ),
        "GET deleted images": http("get", lambda w, own: f"/api/projects/{w.project.id}/images/?deleted=1"),
    },
}

PROBES[Action.DATASET_EXPORT] = {
    "GET exports": http("get", _project("exports/")),
    "POST exports": http("post", _project("exports/"), lambda w: {"format": "coco"}),
    "GET export": http("get", lambda w, own: f"/api/projects/{w.project.id}/exports/{w.export.id}/"),
    "GET export download": download,
}
PROBES[Action.DATASET_IMPORT] = {
    "GET imports": http("get", _project("imports/")),
    "POST imports": import_images,
    "GET import": http("get", lambda w, own: f"/api/projects/{w.project.id}/imports/{w.imported.id}/"),
}


def _figures(path: str) -> Url:
    """An analytics endpoint for the actor's own figures, or for their colleague's."""

    def url(world: World, own: bool) -> str:
        whose = world.actor if own else world.colleague
        return f"/api/projects/{world.project.id}/analytics/{path}?annotator={whose.pk if whose else 0}"

    return url


PROBES[Action.ANALYTICS_VIEW] = {
    f"GET analytics {path}": http("get", _figures(f"{path}/"))
    for path in ("objects", "summary", "noc", "learning", "health")
}

SOCKET_ACTIONS = (Action.SESSION_OPEN, Action.ANNOTATION_CORRECT)
