"""An admin renames, recolours and reorders a project's classes; the objects keep their class,
and the order is the one every list gives."""

from __future__ import annotations

import numpy as np
from rest_framework.test import APIClient

from annotator.annotations.services import annotation_create
from annotator.projects.services import label_class_create
from inference.masks import rle
from tests.conftest import ProjectSetup
from tests.factories import upload_scene


def _admin(setup: ProjectSetup) -> APIClient:
    client = APIClient()
    client.force_authenticate(setup.admin)
    return client


def test_renaming_and_recolouring_keeps_the_objects_and_refuses_a_taken_name(
    project_setup: ProjectSetup,
) -> None:
    project, car = project_setup.project, project_setup.label_class
    image, _ = upload_scene(project, project_setup.admin, width=32, height=24)
    mask = np.zeros((24, 32), dtype=bool)
    mask[2:9, 3:12] = True
    made = annotation_create(image=image, label_class=car, mask=rle.encode(mask), author=project_setup.admin)
    label_class_create(project=project, name="truck")
    client = _admin(project_setup)
    url = f"/api/projects/{project.id}/classes/{car.id}/"
    changed = client.patch(url, {"name": "  automobile ", "colour": "#00ff88"}, format="json")
    assert changed.status_code == 200 and (changed.json()["name"], changed.json()["colour"]) == (
        "automobile",
        "#00ff88",
    )
    listed = client.get(f"/api/projects/{project.id}/annotations/?image={image.id}").json()["results"]
    assert [(a["id"], a["label_class"]) for a in listed] == [(made.id, car.id)]
    taken = client.patch(url, {"name": "truck"}, format="json")
    assert taken.status_code == 409 and taken.json()["code"] == "duplicate_class"
    assert client.patch(url, {"colour": "red"}, format="json").status_code == 400
    assert client.patch(url, {"name": "   "}, format="json").status_code == 400
    assert client.get(f"/api/projects/{project.id}/classes/").json()["results"][0]["name"] == "automobile"


def test_the_order_given_is_the_order_every_list_gives(project_setup: ProjectSetup) -> None:
    project = project_setup.project
    first = project_setup.label_class
    second, third = (
        label_class_create(project=project, name="b"),
        label_class_create(project=project, name="c"),
    )
    client = _admin(project_setup)
    order = [third.id, first.id, second.id]
    answer = client.post(f"/api/projects/{project.id}/classes/order/", {"class_ids": order}, format="json")
    assert answer.status_code == 200 and [c["id"] for c in answer.json()] == order
    assert [c["id"] for c in client.get(f"/api/projects/{project.id}/classes/").json()["results"]] == order
    assert [c["id"] for c in client.get(f"/api/projects/{project.id}/").json()["label_classes"]] == order
    fourth = label_class_create(project=project, name="d")
    assert client.get(f"/api/projects/{project.id}/").json()["label_classes"][-1]["id"] == fourth.id
    missing = client.post(f"/api/projects/{project.id}/classes/order/", {"class_ids": order}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "invalid_order"
    twice = [third.id, first.id, second.id, first.id]
    assert (
        client.post(
            f"/api/projects/{project.id}/classes/order/", {"class_ids": twice}, format="json"
        ).status_code
        == 400
    )
