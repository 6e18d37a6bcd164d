"""Invitations: an admin makes a link; a person without an account joins through it with the
role; a used, expired, revoked or unknown link is refused and makes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from annotator.projects.models import Invitation, Membership, Role
from tests.conftest import ProjectSetup
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def invite(setup: ProjectSetup, **body: object) -> dict[str, object]:
    client = APIClient()
    client.force_authenticate(setup.admin)
    response = client.post(
        f"/api/projects/{setup.project.id}/invitations/", {"role": "annotator", **body}, format="json"
    )
    assert response.status_code == 201, response.data
    return dict(response.data)


def path_of(invitation: dict[str, object]) -> str:
    url = str(invitation["url"])
    assert url.startswith("http://testserver/invite/")
    return url.removeprefix("http://testserver")


def sign_up(
    path: str, username: str = "newcomer", password: str = PASSWORD, again: str | None = None
) -> object:
    form = {"username": username, "email": "", "password": password, "password_again": again or password}
    return Client().post(path, form)


def test_a_new_person_joins_through_the_link_with_the_role(project_setup: ProjectSetup) -> None:
    invitation = invite(project_setup, role="reviewer", email="new@example.org", days=3)
    assert invitation["state"] == "pending" and invitation["emailed"] is True
    assert len(mail.outbox) == 1 and str(invitation["url"]) in mail.outbox[0].body
    path = path_of(invitation)
    page = Client().get(path)
    assert page.status_code == 200 and b"reviewer" in page.content and b"new@example.org" in page.content
    browser = Client()
    joined = browser.post(
        path,
        {
            "username": "newcomer",
            "email": "new@example.org",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert joined.status_code == 302 and joined["Location"] == f"/projects/{project_setup.project.id}/"
    user = get_user_model().objects.get(username="newcomer")
    assert user.email == "new@example.org" and user.check_password(PASSWORD)
    assert Membership.objects.get(project=project_setup.project, user=user).role == Role.REVIEWER
    assert browser.get(f"/projects/{project_setup.project.id}/").status_code == 200  # logged in
    stored = Invitation.objects.get(id=invitation["id"])
    assert stored.used_by == user and stored.used_at is not None
    assert str(invitation["url"]).rsplit("/", 2)[-2] not in stored.token_digest  # only a digest is kept


def test_a_used_link_is_refused_and_makes_nothing(project_setup: ProjectSetup) -> None:
    path = path_of(invite(project_setup))
    assert sign_up(path).status_code == 302
    users = get_user_model().objects.count()
    second = sign_up(path, username="second")
    assert second.status_code == 410 and b"used" in second.content
    assert get_user_model().objects.count() == users


def test_an_expired_link_is_refused(project_setup: ProjectSetup) -> None:
    invitation = invite(project_setup)
    Invitation.objects.filter(id=invitation["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = sign_up(path_of(invitation))
    assert response.status_code == 410 and b"expired" in response.content
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_a_revoked_link_is_refused_and_cannot_be_revoked_twice(project_setup: ProjectSetup) -> None:
    invitation = invite(project_setup)
    admin = APIClient()
    admin.force_authenticate(project_setup.admin)
    url = f"/api/projects/{project_setup.project.id}/invitations/{invitation['id']}/"
    assert admin.delete(url).status_code == 204
    again = admin.delete(url)
    assert again.status_code == 409 and again.data["code"] == "invitation_revoked"
    response = sign_up(path_of(invitation))
    assert response.status_code == 410 and b"revoked" in response.content
    listed = admin.get(f"/api/projects/{project_setup.project.id}/invitations/").data["results"]
    assert [(i["id"], i["state"]) for i in listed] == [(invitation["id"], "revoked")]
    assert "url" not in listed[0]  # the link is shown once, when it is made


def test_an_unknown_link_is_not_found() -> None:
    assert Client().get("/invite/not-a-real-token/").status_code == 404


@pytest.mark.parametrize(
    ("username", "password", "again", "message"),
    [
        ("{annotator}", PASSWORD, None, b"is taken"),
        ("newcomer", PASSWORD, "something else", b"The two passwords differ"),
        ("newcomer", "short", None, b"too short"),
        ("bad name!", PASSWORD, None, b"A username is"),
    ],
    ids=["taken username", "passwords differ", "weak password", "bad username"],
)
def test_a_bad_sign_up_says_why_and_keeps_the_link_usable(
    project_setup: ProjectSetup, username: str, password: str, again: str | None, message: bytes
) -> None:
    path = path_of(invite(project_setup))
    users = get_user_model().objects.count()
    response = sign_up(path, username.format(annotator=project_setup.annotator.username), password, again)
    assert response.status_code in (400, 409) and message in response.content
    assert get_user_model().objects.count() == users
    assert sign_up(path, username="fine").status_code == 302


def test_someone_logged_in_joins_with_their_account(project_setup: ProjectSetup) -> None:
    path = path_of(invite(project_setup, role="manager"))
    existing = UserFactory()
    browser = Client()
    browser.force_login(existing)
    assert b"Join as" in browser.get(path).content
    assert browser.post(path).status_code == 302
    assert Membership.objects.get(project=project_setup.project, user=existing).role == Role.MANAGER
    member = Client()
    member.force_login(project_setup.annotator)
    refused = member.post(path_of(invite(project_setup)))
    assert refused.status_code == 409 and b"already a member" in refused.content


def test_invitations_are_for_admins_and_checked(project_setup: ProjectSetup) -> None:
    url = f"/api/projects/{project_setup.project.id}/invitations/"
    manager = UserFactory()
    Membership.objects.create(project=project_setup.project, user=manager, role=Role.MANAGER)
    client = APIClient()
    client.force_authenticate(manager)
    assert client.post(url, {"role": "annotator"}, format="json").status_code == 403
    client.force_authenticate(project_setup.admin)
    for body, code in (({"role": "owner"}, "invalid"), ({"role": "annotator", "days": 400}, "invalid")):
        response = client.post(url, body, format="json")
        assert (response.status_code, response.data["code"]) == (400, code)
    assert not Invitation.objects.exists()
