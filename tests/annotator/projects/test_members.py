"""Members and roles through the API: adding, changing, removing, the last admin, and the
accounts and tokens of the site."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from annotator.annotations.models import Annotation
from annotator.images.assignments import images_assign
from annotator.images.models import ImageAssignment
from annotator.images.status import image_finish
from annotator.projects.models import Membership, Role
from tests.conftest import ProjectSetup
from tests.factories import PASSWORD, UserFactory, upload_scene
from tests.saved_objects import save_object

pytestmark = pytest.mark.django_db


def client_for(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def members_url(setup: ProjectSetup, user_id: int | None = None) -> str:
    base = f"/api/projects/{setup.project.id}/members/"
    return base if user_id is None else f"{base}{user_id}/"


def test_an_admin_adds_an_account_by_username_or_e_mail_with_a_role(project_setup: ProjectSetup) -> None:
    ana, bob = UserFactory(username="ana"), UserFactory(email="Bob@Example.org")
    admin = client_for(project_setup.admin)
    by_name = admin.post(members_url(project_setup), {"user": "ANA", "role": "reviewer"}, format="json")
    assert (
        by_name.status_code == 201
        and by_name.data["username"] == "ana"
        and by_name.data["role"] == "reviewer"
    )
    by_email = admin.post(
        members_url(project_setup), {"user": "bob@example.org", "role": "manager"}, format="json"
    )
    assert by_email.status_code == 201 and by_email.data["user"] == bob.id
    listed = admin.get(members_url(project_setup)).data
    assert listed["count"] == 4
    assert [(m["username"], m["role"]) for m in listed["results"]][:2] == [
        (project_setup.admin.username, "admin"),
        (bob.username, "manager"),
    ]
    assert Membership.objects.get(project=project_setup.project, user=ana).role == Role.REVIEWER


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"user": "nobody-here", "role": "annotator"}, 404, "unknown_user"),
        ({"user": "{annotator}", "role": "annotator"}, 409, "already_member"),
        ({"user": "{outsider}", "role": "boss"}, 400, "invalid"),
        ({"role": "annotator"}, 400, "invalid"),
    ],
    ids=["unknown user", "already a member", "no such role", "no user"],
)
def test_adding_a_member_wrongly_is_refused_and_changes_nothing(
    project_setup: ProjectSetup, body: dict[str, str], status: int, code: str
) -> None:
    names = {"annotator": project_setup.annotator.username, "outsider": project_setup.outsider.username}
    body = {key: value.format(**names) for key, value in body.items()}
    before = list(Membership.objects.values_list("user_id", "role"))
    response = client_for(project_setup.admin).post(members_url(project_setup), body, format="json")
    assert (response.status_code, response.data["code"]) == (status, code)
    assert response.data["detail"]
    assert list(Membership.objects.values_list("user_id", "role")) == before


def test_the_last_admin_can_be_neither_demoted_nor_removed(project_setup: ProjectSetup) -> None:
    admin = client_for(project_setup.admin)
    me = members_url(project_setup, project_setup.admin.id)
    demoted = admin.patch(me, {"role": "manager"}, format="json")
    assert demoted.status_code == 409 and demoted.data["code"] == "last_admin"
    removed = admin.delete(me)
    assert removed.status_code == 409 and removed.data["code"] == "last_admin"
    assert Membership.objects.get(project=project_setup.project, user=project_setup.admin).role == Role.ADMIN
    promoted = admin.patch(
        members_url(project_setup, project_setup.annotator.id), {"role": "admin"}, format="json"
    )
    assert promoted.status_code == 200 and promoted.data["role"] == "admin"
    assert admin.patch(me, {"role": "annotator"}, format="json").status_code == 200


def test_a_removed_member_keeps_their_objects_and_their_unfinished_images_return(
    project_setup: ProjectSetup,
) -> None:
    project, admin, annotator = project_setup.project, project_setup.admin, project_setup.annotator
    finished, unfinished, _ = (upload_scene(project, admin, seed=seed)[0] for seed in (1, 2, 3))
    images_assign(project=project, user=annotator, assigned_by=admin, image_ids=[finished.id, unfinished.id])
    saved = save_object(finished, project_setup.label_class, annotator)
    image_finish(image=finished, user=annotator)
    response = client_for(admin).delete(members_url(project_setup, annotator.id))
    assert response.status_code == 204
    assert not Membership.objects.filter(project=project, user=annotator).exists()
    assert Annotation.objects.get(id=saved.id).author == annotator
    held = ImageAssignment.objects.filter(user=annotator).values_list("image_id", flat=True)
    assert list(held) == [finished.id]  # the finished one stays in the history; the other is free
    free = client_for(admin).get(f"/api/projects/{project.id}/images/", {"assignee": "none"}).data
    assert unfinished.id in [image["id"] for image in free["results"]]
    assert client_for(annotator).get(f"/api/projects/{project.id}/").status_code == 404


def test_the_add_member_command_creates_the_account_once_and_changes_the_role_after(
    project_setup: ProjectSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = project_setup.project
    with pytest.raises(CommandError, match="needs --password"):
        call_command("add_member", "carla", project=str(project.id), role="annotator")
    monkeypatch.setenv("MASKLOOP_NEW_PASSWORD", PASSWORD)
    call_command("add_member", "carla", project=project.name, role="annotator", email="carla@example.org")
    call_command("add_member", "carla", project=str(project.id), role="manager")
    membership = Membership.objects.select_related("user").get(project=project, user__username="carla")
    assert membership.role == Role.MANAGER and membership.user.email == "carla@example.org"
    logged_in = APIClient().post(
        "/api/auth/token/", {"username": "carla", "password": PASSWORD}, format="json"
    )
    assert logged_in.status_code == 200 and logged_in.json()["token"]
    with pytest.raises(CommandError, match="last_admin"):
        call_command("add_member", project_setup.admin.username, project=str(project.id), role="annotator")


def test_staff_create_accounts_and_others_cannot(project_setup: ProjectSetup) -> None:
    body = {"username": "dora", "password": PASSWORD, "email": "dora@example.org"}
    refused = client_for(project_setup.admin).post("/api/users/", body, format="json")
    assert refused.status_code == 403 and refused.data["code"] == "staff_only"
    staff = client_for(UserFactory(is_staff=True))
    created = staff.post("/api/users/", body, format="json")
    assert (
        created.status_code == 201 and created.data["username"] == "dora" and "password" not in created.data
    )
    again = staff.post("/api/users/", {**body, "username": "DORA"}, format="json")
    assert again.status_code == 409 and again.data["code"] == "username_taken"
    weak = staff.post("/api/users/", {**body, "username": "eve", "password": "short"}, format="json")
    assert weak.status_code == 400 and weak.data["code"] == "invalid_password"
    found = staff.get("/api/users/", {"search": "dora"}).data
    assert [u["username"] for u in found["results"]] == ["dora"]


def test_a_script_uses_the_api_with_a_token_instead_of_a_password(project_setup: ProjectSetup) -> None:
    credentials = {"username": project_setup.annotator.username, "password": PASSWORD}
    login = APIClient().post("/api/auth/token/", credentials, format="json")
    assert login.status_code == 200
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {login.data['token']}")
    listed = script.get("/api/projects/")
    assert [p["id"] for p in listed.data["results"]] == [project_setup.project.id]
    assert script.get("/api/me/").data["has_token"] is True
    # A new token from the account page replaces the old one.
    page = client_for(project_setup.annotator)
    renewed = page.post("/api/me/token/")
    assert renewed.status_code == 201 and renewed.data["token"] != login.data["token"]
    assert script.get("/api/projects/").status_code == 401
    script.credentials(HTTP_AUTHORIZATION=f"Token {renewed.data['token']}")
    assert script.get("/api/projects/").status_code == 200
    assert page.delete("/api/me/token/").status_code == 204
    assert script.get("/api/projects/").status_code == 401
    wrong = APIClient().post("/api/auth/token/", {**credentials, "password": "nope"}, format="json")
    assert wrong.status_code == 400 and wrong.data["code"] == "invalid"
