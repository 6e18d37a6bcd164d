"""Every refusal under /api/ is JSON with a ``code`` and a ``detail``, whatever raised it, and
bad input is a 4xx that changes nothing: unknown addresses, crashes, deeply nested JSON, forms
where JSON is expected, odd digits in query parameters."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from annotator.annotations.models import Annotation
from annotator.projects.models import LabelClass
from tests.conftest import ProjectSetup


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _error(answer: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert answer.status_code == status, answer.content[:300]
    assert answer["Content-Type"].startswith("application/json"), answer["Content-Type"]
    body: dict[str, Any] = answer.json()
    assert body["detail"] and (body["code"] == code if code else body["code"])
    return body


def test_an_unknown_api_address_answers_json_and_a_page_address_a_page(project_setup: ProjectSetup) -> None:
    client = _client(project_setup.admin)
    _error(client.get("/api/no-such-thing/"), 404, "not_found")
    _error(client.delete("/api/projects/"), 405, "method_not_allowed")
    page = Client().get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_crash_answers_json_without_a_traceback(
    project_setup: ProjectSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("redis://:hunter2@cache:6379/0 is down")

    monkeypatch.setattr("annotator.projects.apis.selectors.project_list", broken)
    client = _client(project_setup.admin)
    client.raise_request_exception = False
    body = _error(client.get("/api/projects/"), 500, "server_error")
    assert "hunter2" not in str(body) and "Traceback" not in str(body)


@pytest.mark.parametrize("nesting", [64, 100_000])
def test_deeply_nested_json_is_a_400_that_stores_nothing(project_setup: ProjectSetup, nesting: int) -> None:
    body = '{"name": ' + "[" * nesting + "]" * nesting + "}"
    client = _client(project_setup.admin)
    url = f"/api/projects/{project_setup.project.id}/classes/"
    before = LabelClass.objects.count()
    _error(client.post(url, body, content_type="application/json"), 400, "too_deep")
    assert LabelClass.objects.count() == before
    outsider = _client(project_setup.outsider)
    assert outsider.post("/api/projects/", body, content_type="application/json").status_code in (400, 403)


def test_a_form_encoded_patch_is_refused_and_changes_nothing(project_setup: ProjectSetup) -> None:
    client = _client(project_setup.admin)
    url = f"/api/projects/{project_setup.project.id}/adaptation/"
    before = client.get(url).json()
    assert before["enabled"] is True
    _error(client.patch(url, "lr=0.001", content_type="application/x-www-form-urlencoded"), 415)
    assert client.get(url).json() == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/projects/{project}/annotations/?image=²",
        "/api/projects/{project}/images/?assignee=²",
        "/api/projects/{project}/work/around/?image=²",
        "/api/projects/{project}/assignments/?user=²",
    ],
)
def test_a_non_ascii_digit_in_an_id_parameter_is_a_400(project_setup: ProjectSetup, url: str) -> None:
    answer = _client(project_setup.admin).get(url.format(project=project_setup.project.id))
    assert answer.status_code == 400 and answer.json()["code"]
    assert Annotation.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ('{"name": "' + "x" * 70_000 + '"}', "too_large"),
        ('{"name": [' + ",".join(["1"] * 100_001) + "]}", "too_large"),
    ],
)
def test_an_oversized_string_or_list_is_a_400(project_setup: ProjectSetup, body: str, code: str) -> None:
    url = f"/api/projects/{project_setup.project.id}/classes/"
    _error(_client(project_setup.admin).post(url, body, content_type="application/json"), 400, code)


def test_an_unknown_api_address_is_json_with_debug_pages_on_too(
    project_setup: ProjectSetup, settings: Any
) -> None:
    settings.DEBUG = True
    _error(_client(project_setup.admin).get("/api/projects/1/no-such-thing/"), 404, "not_found")
