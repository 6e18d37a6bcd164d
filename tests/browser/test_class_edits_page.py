"""The project page's class chips in Chromium: an admin renames, recolours and reorders classes,
and the project's API agrees."""

from __future__ import annotations

import pytest

from annotator.projects.models import LabelClass
from annotator.projects.services import label_class_create
from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_renames_recolours_and_reorders_classes(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
) -> None:
    project = project_setup.project
    first = project_setup.label_class
    second = label_class_create(project=project, name="truck", colour="#3366ff")
    result = run_served_flow("classes_flow.mjs", project_setup.admin.username, project.id)
    assert [chip["name"] for chip in result["before"]] == [first.name, "truck"]
    assert result["after"] == [
        {"name": "truck", "colour": "#3366ff"},
        {"name": "automobile", "colour": "#00ff88"},
    ]
    stored = list(LabelClass.objects.filter(project=project).values_list("id", "name", "colour"))
    assert stored == [(second.id, "truck", "#3366ff"), (first.id, "automobile", "#00ff88")]
