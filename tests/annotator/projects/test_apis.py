"""Projects and classes through the REST API, and who may see them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from annotator.projects.models import Membership, Project
from tests.conftest import ProjectSetup
from tests.factories import UserFactory, upload_scene

pytestmark = pytest.mark.django_db


def client_for(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_creating_a_project_makes_the_creator_its_admin_with_its_classes() -> None:
    user = UserFactory(is_staff=True)
    response = client_for(user).post(
        "/api/projects/", {"name": "Streets", "classes": ["car", "person"]}, format="json"
    )
    assert response.status_code == 201
    assert [c["name"] for c in response.data["label_classes"]] == ["car", "person"]
    project_id = response.data["id"]
    assert Membership.objects.get(project_id=project_id, user=user).role == "admin"
    listed = client_for(user).get("/api/projects/").data["results"]
    assert [(p["name"], p["role"], [c["name"] for c in p["label_classes"]]) for p in listed] == [
        ("Streets", "admin", ["car", "person"])
    ]


def test_a_project_without_a_name_is_refused() -> None:
    response = client_for(UserFactory(is_staff=True)).post("/api/projects/", {"name": "  "}, format="json")
    assert response.status_code == 400
    assert response.data["code"] == "invalid" and "name" in response.data["fields"]
    assert response.data["detail"].startswith("name: ")


def test_only_staff_create_projects_unless_the_setting_lets_everyone(settings: object) -> None:
    user = UserFactory()
    refused = client_for(user).post("/api/projects/", {"name": "Mine"}, format="json")
    assert refused.status_code == 403 and refused.data["code"] == "cannot_create_projects"
    assert not Project.objects.exists()
    settings.MASKLOOP_PROJECT_CREATORS = "all"  # type: ignore[attr-defined]
    assert client_for(user).post("/api/projects/", {"name": "Mine"}, format="json").status_code == 201


def test_anonymous_requests_are_refused_with_how_to_authenticate() -> None:
    response = APIClient().get("/api/projects/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.data["code"] == "not_authenticated"


def test_non_member_gets_404_from_every_endpoint_of_the_project(project_setup: ProjectSetup) -> None:
    image, _ = upload_scene(project_setup.project, project_setup.admin)
    pid = project_setup.project.id
    outsider = client_for(project_setup.outsider)
    for url in (
        f"/api/projects/{pid}/",
        f"/api/projects/{pid}/classes/",
        f"/api/projects/{pid}/images/",
        f"/api/projects/{pid}/annotations/",
        f"/api/images/{image.id}/",
        f"/api/images/{image.id}/file/",
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"/api/projects/{pid}/classes/", {"name": "x"}, format="json").status_code == 404
    assert outsider.get("/api/projects/").data["results"] == []


def test_annotators_cannot_add_classes_but_admins_can(project_setup: ProjectSetup) -> None:
    url = f"/api/projects/{project_setup.project.id}/classes/"
    refused = client_for(project_setup.annotator).post(url, {"name": "tree"}, format="json")
    assert refused.status_code == 403
    created = client_for(project_setup.admin).post(url, {"name": "tree", "colour": "#00aa00"}, format="json")
    assert created.status_code == 201
    assert created.data["colour"] == "#00aa00"
    duplicate = client_for(project_setup.admin).post(url, {"name": "tree"}, format="json")
    assert duplicate.status_code == 409


def test_a_bad_colour_is_refused(project_setup: ProjectSetup) -> None:
    url = f"/api/projects/{project_setup.project.id}/classes/"
    response = client_for(project_setup.admin).post(url, {"name": "sky", "colour": "blue"}, format="json")
    assert response.status_code == 400
