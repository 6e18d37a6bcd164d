"""The adaptation page on a GrabCut project says plainly that nothing learns, class by class,
instead of calling each class "adapting"."""

from __future__ import annotations

import pytest

from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grabcut_project_says_no_class_learns(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
) -> None:
    project = project_setup.project
    assert project.engine == "grabcut"
    result = run_served_flow(
        "page_text_flow.mjs", project_setup.admin.username, project.id,
        PAGE_PATH=f"/projects/{project.id}/adaptation/", SELECTOR="section[data-class] .state",
    )  # fmt: skip
    assert result["texts"] == ["not learning: this project runs GrabCut"]
