"""Every change of an object is a revision: who, when, the mask, the class, the session; any
revision can be returned to; a change made on an old view of the object is refused."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from rest_framework.test import APIClient

from annotator.annotations.locks import lock_take
from annotator.annotations.models import Annotation, AnnotationRevision
from annotator.interactions.services import session_open
from inference.masks import rle
from tests.conftest import ProjectSetup
from tests.factories import LabelClassFactory, upload_scene
from tests.saved_objects import save_object

pytestmark = pytest.mark.django_db


def client_for(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(setup: ProjectSetup, annotation: Annotation, path: str = "") -> str:
    return f"/api/projects/{setup.project.id}/annotations/{annotation.id}/{path}"


def history(annotation: Annotation) -> list[tuple[int, str, str]]:
    rows = AnnotationRevision.objects.filter(annotation=annotation).select_related("user").order_by("number")
    return [(r.number, r.kind, r.user.get_username()) for r in rows]


def test_each_change_is_one_revision_and_any_can_be_returned_to_bit_for_bit(
    project_setup: ProjectSetup,
) -> None:
    image, _ = upload_scene(project_setup.project, project_setup.admin)
    saved = save_object(image, project_setup.label_class, project_setup.annotator)
    first_mask = saved.mask
    tree = LabelClassFactory(project=project_setup.project, name="tree")
    annotator, admin = client_for(project_setup.annotator), client_for(project_setup.admin)
    relabelled = annotator.patch(
        url(project_setup, saved), {"label_class": tree.id, "revision": 1}, format="json"
    )
    assert relabelled.status_code == 200 and relabelled.data["revision"] == 2
    assert annotator.delete(url(project_setup, saved)).status_code == 204
    assert admin.post(url(project_setup, saved, "restore/")).status_code == 200
    revisions = admin.get(url(project_setup, saved, "revisions/")).data["results"]
    assert [(r["number"], r["kind"], r["class_name"]) for r in revisions] == [
        (1, "created", "shape"), (2, "relabelled", "tree"), (3, "deleted", "tree"), (4, "restored", "tree"),
    ]  # fmt: skip
    assert history(saved)[2:] == [
        (3, "deleted", project_setup.annotator.username),
        (4, "restored", project_setup.admin.username),
    ]
    back = annotator.post(
        url(project_setup, saved, f"revisions/{revisions[0]['id']}/restore/"), {"revision": 4}, format="json"
    )
    assert (
        back.status_code == 200
        and back.data["revision"] == 5
        and back.data["label_class"] == project_setup.label_class.id
    )
    saved.refresh_from_db()
    assert saved.mask == first_mask and np.array_equal(rle.decode(saved.mask), rle.decode(first_mask))
    last = AnnotationRevision.objects.get(annotation=saved, number=5)
    assert (last.kind, last.reverted_to, last.mask) == ("reverted", 1, first_mask)
    assert saved.author == project_setup.annotator  # changes by others never take the object from its author


def test_a_change_made_on_an_old_view_is_refused_and_changes_nothing(project_setup: ProjectSetup) -> None:
    image, _ = upload_scene(project_setup.project, project_setup.admin)
    saved = save_object(image, project_setup.label_class, project_setup.annotator)
    tree = LabelClassFactory(project=project_setup.project, name="tree")
    annotator = client_for(project_setup.annotator)
    assert (
        annotator.patch(
            url(project_setup, saved), {"label_class": tree.id, "revision": 1}, format="json"
        ).status_code
        == 200
    )
    stale = annotator.patch(
        url(project_setup, saved), {"label_class": project_setup.label_class.id, "revision": 1}, format="json"
    )
    assert (stale.status_code, stale.data["code"]) == (409, "stale_revision")
    assert project_setup.annotator.username in stale.data["detail"]
    assert history(saved) == [
        (1, "created", project_setup.annotator.username),
        (2, "relabelled", project_setup.annotator.username),
    ]


def test_an_object_someone_is_correcting_waits_for_them(project_setup: ProjectSetup) -> None:
    image, _ = upload_scene(project_setup.project, project_setup.admin)
    saved = save_object(image, project_setup.label_class, project_setup.annotator)
    session = session_open(user=project_setup.admin, image=image, label_class=project_setup.label_class)
    lock_take(annotation_id=saved.id, session_id=session.id, user=project_setup.admin)
    tree = LabelClassFactory(project=project_setup.project, name="tree")
    annotator = client_for(project_setup.annotator)
    refused: list[Any] = [
        annotator.patch(url(project_setup, saved), {"label_class": tree.id, "revision": 1}, format="json"),
        annotator.delete(url(project_setup, saved)),
    ]
    for response in refused:
        assert (response.status_code, response.data["code"]) == (409, "locked")
        assert project_setup.admin.username in response.data["detail"]
    assert history(saved) == [(1, "created", project_setup.annotator.username)]


@pytest.mark.parametrize(
    ("target", "body", "status", "code"),
    [
        ("another object's revision", {"revision": 1}, 404, "unknown_revision"),
        ("the current revision", {"revision": 1}, 409, "current_revision"),
        ("no revision seen", {}, 400, "invalid"),
    ],
)
def test_returning_to_a_revision_wrongly_is_refused(
    project_setup: ProjectSetup, target: str, body: dict[str, int], status: int, code: str
) -> None:
    image, _ = upload_scene(project_setup.project, project_setup.admin)
    mine = save_object(image, project_setup.label_class, project_setup.annotator)
    other = save_object(image, project_setup.label_class, project_setup.annotator, at=20)
    revision = (other if target == "another object's revision" else mine).revisions.get(number=1)
    response = client_for(project_setup.admin).post(
        url(project_setup, mine, f"revisions/{revision.id}/restore/"), body, format="json"
    )
    assert (response.status_code, response.data["code"]) == (status, code)
    assert history(mine) == [(1, "created", project_setup.annotator.username)]
