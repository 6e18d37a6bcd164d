"""Guessing passwords: the login page and the token endpoint lock a username out from an
address after repeated failures (django-axes); weak passwords are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import ProjectSetup
from tests.factories import PASSWORD, UserFactory

LIMIT = 5


@pytest.fixture(autouse=True)
def _limit(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = LIMIT


def _log_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_the_login_page_locks_out_after_repeated_failures_even_the_right_password() -> None:
    user = UserFactory()
    client = Client()
    for _ in range(LIMIT - 1):
        assert _log_in(client, user.username, "wrong-guess").status_code == 200
    locked = _log_in(client, user.username, "wrong-guess")
    assert locked.status_code == 429 and b"Too many failed logins" in locked.content
    right = _log_in(client, user.username, PASSWORD)
    assert right.status_code == 429 and int(right["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    elsewhere = _log_in(Client(), user.username, PASSWORD, address="10.0.0.2")
    assert elsewhere.status_code == 302, "another address is not locked out"


@pytest.mark.django_db
def test_the_token_endpoint_locks_out_with_a_json_refusal() -> None:
    user = UserFactory()
    client = APIClient(REMOTE_ADDR="10.0.0.3")
    for _ in range(LIMIT):
        wrong = client.post(
            "/api/auth/token/", {"username": user.username, "password": "nope"}, format="json"
        )
    assert wrong.status_code == 429
    right = client.post("/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert right.status_code == 429 and right.json()["code"] == "locked_out" and "token" not in right.json()


@pytest.mark.django_db
def test_a_success_before_the_limit_starts_the_count_again() -> None:
    user = UserFactory()
    client = Client()
    for _ in range(LIMIT - 1):
        _log_in(client, user.username, "wrong-guess")
    assert _log_in(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        _log_in(client, user.username, "wrong-guess")
    assert _log_in(client, user.username, PASSWORD).status_code == 302


@pytest.mark.parametrize("password", ["password", "12345678", "qwertyuiop"])
def test_weak_passwords_are_refused(project_setup: ProjectSetup, password: str) -> None:
    staff = APIClient()
    staff.force_authenticate(UserFactory(is_staff=True))
    body = {"username": "dora", "password": password, "email": "dora@example.org"}
    refused = staff.post("/api/users/", body, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_password"


@pytest.mark.django_db
def test_staff_see_a_lockout_and_lift_it() -> None:
    user = UserFactory()
    for _ in range(LIMIT):
        _log_in(Client(), user.username, "wrong-guess", address="10.0.0.9")
    staff = APIClient()
    staff.force_authenticate(UserFactory(is_staff=True))
    locked = staff.get("/api/lockouts/").json()["results"]
    assert [(lock["username"], lock["ip_address"], lock["failures"]) for lock in locked] == [
        (user.username, "10.0.0.9", LIMIT)
    ]
    colleague = APIClient()
    colleague.force_authenticate(user)
    assert colleague.get("/api/lockouts/").status_code == 403
    assert colleague.delete(f"/api/lockouts/{locked[0]['id']}/").status_code == 403
    assert staff.delete(f"/api/lockouts/{locked[0]['id']}/").status_code == 204
    assert staff.get("/api/lockouts/").json()["results"] == []
    assert _log_in(Client(), user.username, PASSWORD, address="10.0.0.9").status_code == 302
    assert staff.delete(f"/api/lockouts/{locked[0]['id']}/").status_code == 404
