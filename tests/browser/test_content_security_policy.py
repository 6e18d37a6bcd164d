"""The Content-Security-Policy is one the pages keep: every page, opened in Chromium, loads and
runs with no violation and no error."""

from __future__ import annotations

import json

import pytest

from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_keeps_the_content_security_policy(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
) -> None:
    admin, project = project_setup.admin, project_setup.project
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    image, _ = upload_scene(project, admin, width=64, height=48)
    base = f"/projects/{project.id}/"
    pages = [
        "/projects/", "/account/", "/users/", base, f"{base}members/", f"{base}settings/", f"{base}data/",
        f"{base}adaptation/", f"{base}analytics/", f"{base}images/{image.id}/annotate/",
    ]  # fmt: skip
    result = run_served_flow("csp_flow.mjs", admin.username, project.id, PAGES=json.dumps(pages))
    assert "script-src 'self'" in result["policy"] and "unsafe-inline" not in result["policy"]
    assert [path for path, _ in result["visited"]] == pages
    assert result["violations"] == []
