"""Admins and managers see a class decoder's history, switch it, roll it back and reset it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from annotator.adaptation import services
from tests.conftest import ProjectSetup

pytestmark = pytest.mark.django_db


def grow(state: bytes | None) -> bytes:
    return (state or b"") + b"x"


def url(setup: ProjectSetup, suffix: str = "") -> str:
    return f"/api/projects/{setup.project.id}/classes/{setup.label_class.id}/decoder/{suffix}"


def test_an_admin_sees_the_history_and_rolls_back_and_resets(project_setup: ProjectSetup) -> None:
    for _ in range(3):
        services.decoder_adapt(label_class=project_setup.label_class, step=grow, user=project_setup.annotator)
    client = APIClient()
    client.force_authenticate(project_setup.admin)
    history = client.get(url(project_setup)).json()
    assert (history["version"], history["images_seen"], history["enabled"]) == (3, 3, True)
    assert [v["version"] for v in history["versions"]] == [3, 2, 1, 0]
    newest = history["versions"][0]
    assert newest["created_by"] == project_setup.annotator.username and newest["parent_version"] == 2
    assert newest["can_roll_back"] and newest["state_bytes"] == 3
    back = client.post(url(project_setup, "rollback/"), {"version": 1}, format="json")
    assert back.status_code == 200
    assert back.json()["version"] == 4 and back.json()["images_seen"] == 1
    assert back.json()["versions"][0]["reason"] == "rollback"
    reset = client.post(url(project_setup, "reset/")).json()
    assert reset["version"] == 5 and reset["images_seen"] == 0 and reset["versions"][0]["reason"] == "reset"
    off = client.patch(url(project_setup), {"enabled": False}, format="json").json()
    assert off["enabled"] is False


def test_annotators_outsiders_and_bad_input_get_clear_errors(project_setup: ProjectSetup) -> None:
    client = APIClient()
    client.force_authenticate(project_setup.annotator)
    assert client.get(url(project_setup)).status_code == 403
    client.force_authenticate(project_setup.outsider)
    assert client.get(url(project_setup)).status_code == 404
    client.force_authenticate(project_setup.admin)
    fresh = client.get(url(project_setup)).json()
    assert fresh["version"] == 0 and fresh["versions"] == []  # never adapted: the base decoder
    unknown = client.post(url(project_setup, "rollback/"), {"version": 7}, format="json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_version"
    malformed = client.post(url(project_setup, "rollback/"), {"version": "latest"}, format="json")
    assert malformed.status_code == 400
    missing = client.get(f"/api/projects/{project_setup.project.id}/classes/9999/decoder/")
    assert missing.status_code == 404
