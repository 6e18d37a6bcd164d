"""Deleting objects, images and classes: each is hidden and kept, and comes back as it was."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from annotator.annotations.models import Annotation
from annotator.projects.models import LabelClass
from tests.conftest import ProjectSetup
from tests.factories import LabelClassFactory, upload_scene
from tests.saved_objects import save_object

pytestmark = pytest.mark.django_db


def client_for(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def shown(client: APIClient, setup: ProjectSetup, **params: Any) -> list[int]:
    listed = client.get(f"/api/projects/{setup.project.id}/annotations/", params).data
    return [a["id"] for a in listed["results"]]


def test_an_annotator_deletes_their_object_and_brings_it_back(project_setup: ProjectSetup) -> None:
    image, _ = upload_scene(project_setup.project, project_setup.admin)
    mine = save_object(image, project_setup.label_class, project_setup.annotator)
    theirs = save_object(image, project_setup.label_class, project_setup.admin, at=20)
    annotator = client_for(project_setup.annotator)
    base = f"/api/projects/{project_setup.project.id}/annotations/"
    assert annotator.delete(f"{base}{mine.id}/").status_code == 204
    assert shown(annotator, project_setup) == [theirs.id]
    again = annotator.delete(f"{base}{mine.id}/")
    assert (again.status_code, again.data["code"]) == (409, "already_deleted")
    refused = annotator.delete(f"{base}{theirs.id}/")
    assert (refused.status_code, refused.data["code"]) == (403, "not_your_object")
    trash = shown(client_for(project_setup.admin), project_setup, deleted=1)
    assert trash == [mine.id]
    restored = annotator.post(f"{base}{mine.id}/restore/")
    assert restored.status_code == 200 and restored.data["mask"] == mine.mask
    assert shown(annotator, project_setup) == [mine.id, theirs.id]
    not_deleted = annotator.post(f"{base}{mine.id}/restore/")
    assert (not_deleted.status_code, not_deleted.data["code"]) == (409, "not_deleted")


def test_a_deleted_image_hides_its_objects_and_brings_them_back(project_setup: ProjectSetup) -> None:
    image, _ = upload_scene(project_setup.project, project_setup.admin)
    kept, _ = upload_scene(project_setup.project, project_setup.admin, seed=1)
    saved = save_object(image, project_setup.label_class, project_setup.annotator)
    admin = client_for(project_setup.admin)
    assert admin.delete(f"/api/images/{image.id}/").status_code == 204
    listed = admin.get(f"/api/projects/{project_setup.project.id}/images/").data
    assert [i["id"] for i in listed["results"]] == [kept.id]
    assert shown(admin, project_setup) == []
    assert admin.get(f"/api/images/{image.id}/").status_code == 404
    again = admin.delete(f"/api/images/{image.id}/")
    assert (again.status_code, again.data["code"]) == (409, "already_deleted")
    upload = SimpleUploadedFile("same.png", image.file.open("rb").read(), content_type="image/png")
    duplicate = admin.post(
        f"/api/projects/{project_setup.project.id}/images/", {"file": upload}, format="multipart"
    )
    assert (duplicate.status_code, duplicate.data["code"]) == (409, "deleted_image")
    assert duplicate.data["existing_id"] == image.id
    trash = admin.get(f"/api/projects/{project_setup.project.id}/images/", {"deleted": 1}).data["results"]
    assert [i["id"] for i in trash] == [image.id]
    assert admin.post(f"/api/images/{image.id}/restore/").status_code == 200
    assert shown(admin, project_setup) == [saved.id]


def test_deleting_images_in_a_batch_is_all_or_nothing(project_setup: ProjectSetup) -> None:
    first, _ = upload_scene(project_setup.project, project_setup.admin)
    second, _ = upload_scene(project_setup.project, project_setup.admin, seed=1)
    url = f"/api/projects/{project_setup.project.id}/images/delete/"
    admin = client_for(project_setup.admin)
    refused = admin.post(url, {"images": [first.id, 999999]}, format="json")
    assert (refused.status_code, refused.data["code"]) == (404, "unknown_image")
    assert admin.get(f"/api/projects/{project_setup.project.id}/images/").data["count"] == 2
    assert admin.post(url, {"images": [first.id, second.id]}, format="json").data == {"count": 2}
    assert admin.get(f"/api/projects/{project_setup.project.id}/images/").data["count"] == 0


def test_a_class_in_use_is_deleted_only_when_confirmed_and_comes_back_with_its_objects(
    project_setup: ProjectSetup,
) -> None:
    image, _ = upload_scene(project_setup.project, project_setup.admin)
    tree = LabelClassFactory(project=project_setup.project, name="tree")
    saved = save_object(image, tree, project_setup.annotator)
    admin = client_for(project_setup.admin)
    url = f"/api/projects/{project_setup.project.id}/classes/{tree.id}/"
    refused = admin.delete(url)
    assert (refused.status_code, refused.data["code"]) == (409, "class_in_use")
    assert "1 saved object" in refused.data["detail"]
    assert admin.delete(f"{url}?confirm=1").status_code == 204
    classes = admin.get(f"/api/projects/{project_setup.project.id}/classes/").data["results"]
    assert [c["name"] for c in classes] == ["shape"]
    assert shown(admin, project_setup) == []
    again = admin.delete(f"{url}?confirm=1")
    assert (again.status_code, again.data["code"]) == (409, "already_deleted")
    # Its name is free again; bringing the old class back then says so.
    assert (
        admin.post(
            f"/api/projects/{project_setup.project.id}/classes/", {"name": "tree"}, format="json"
        ).status_code
        == 201
    )
    clash = admin.post(f"{url}restore/")
    assert (clash.status_code, clash.data["code"]) == (409, "duplicate_class")
    LabelClass.objects.filter(project=project_setup.project, name="tree", deleted_at__isnull=True).update(
        name="oak"
    )
    assert admin.post(f"{url}restore/").status_code == 200
    assert shown(admin, project_setup) == [saved.id]
    assert Annotation.objects.get(id=saved.id).label_class_id == tree.id


def test_an_unused_class_is_deleted_at_once(project_setup: ProjectSetup) -> None:
    unused = LabelClassFactory(project=project_setup.project, name="sky")
    response = client_for(project_setup.admin).delete(
        f"/api/projects/{project_setup.project.id}/classes/{unused.id}/"
    )
    assert response.status_code == 204
    assert not LabelClass.objects.filter(id=unused.id).exists()
    assert LabelClass.all_objects.filter(id=unused.id).exists()
