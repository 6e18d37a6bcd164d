"""Admins and managers see a class decoder's history, switch it, roll it back and reset it."""

from __future__ import annotations

import pytest
from django.test import Client
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


def project_url(setup: ProjectSetup) -> str:
    return f"/api/projects/{setup.project.id}/adaptation/"


def test_a_manager_chooses_the_project_s_variant_and_switches_it_off(project_setup: ProjectSetup) -> None:
    client = APIClient()
    client.force_authenticate(project_setup.admin)
    defaults = client.get(project_url(project_setup)).json()
    assert defaults["chosen"] is False and defaults["enabled"] is True
    assert (defaults["click"], defaults["result"], defaults["click_mask"]) == ("reset", "eroded", True)
    chosen = client.patch(project_url(project_setup), {"click": "continual", "lr": 1e-5}, format="json")
    assert chosen.status_code == 200
    body = chosen.json()
    assert body["chosen"] is True and body["click"] == "continual" and body["lr"] == 1e-5
    assert body["result"] == "eroded"  # untouched fields keep their value
    off = client.patch(project_url(project_setup), {"enabled": False}, format="json").json()
    assert off["enabled"] is False and off["click"] == "continual"
    assert client.get(project_url(project_setup)).json() == off


def test_bad_variants_and_annotators_are_refused(project_setup: ProjectSetup) -> None:
    client = APIClient()
    client.force_authenticate(project_setup.admin)
    for bad in ({"click": "sometimes"}, {"lr": 0}, {"lr": "fast"}, {"erosions": -1}, {"result": None}):
        refused = client.patch(project_url(project_setup), bad, format="json")
        assert refused.status_code == 400, bad
    assert client.get(project_url(project_setup)).json()["chosen"] is False  # nothing was stored
    client.force_authenticate(project_setup.annotator)
    assert client.patch(project_url(project_setup), {"enabled": False}, format="json").status_code == 403
    client.force_authenticate(project_setup.outsider)
    assert client.get(project_url(project_setup)).status_code == 404


def test_a_replay_check_is_refused_where_it_cannot_run(project_setup: ProjectSetup) -> None:
    client = APIClient()
    client.force_authenticate(project_setup.admin)
    grabcut = client.post(url(project_setup, "replay/"), {"version": 0}, format="json")
    assert grabcut.status_code == 400 and grabcut.json()["code"] == "not_sam"
    unknown = client.post(url(project_setup, "replay/"), {"version": 4}, format="json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_version"
    too_many = client.post(url(project_setup, "replay/"), {"version": 0, "objects": 5000}, format="json")
    assert too_many.status_code == 400
    missing = client.get(url(project_setup, "replay/12345/"))
    assert missing.status_code == 404


def test_the_adaptation_page_is_for_admins_and_managers(project_setup: ProjectSetup) -> None:
    client = Client()
    page = f"/projects/{project_setup.project.id}/adaptation/"
    client.force_login(project_setup.admin)
    shown = client.get(page)
    assert shown.status_code == 200 and b"Learning while you annotate" in shown.content
    assert b"SAM only" in shown.content  # this project runs GrabCut: the page says nothing learns
    assert page.encode() in client.get(f"/projects/{project_setup.project.id}/").content  # linked
    client.force_login(project_setup.annotator)
    assert client.get(page).status_code == 404
    assert page.encode() not in client.get(f"/projects/{project_setup.project.id}/").content
