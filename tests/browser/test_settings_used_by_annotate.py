"""The settings page's engine and pipeline reach the annotation page, in Chromium: an admin picks
a SAM engine and the crop pipeline in the settings form and saves; the annotation page then names
that pipeline and the engine asked for (with GrabCut standing in while SAM's weights are not
installed, as its session says). A screenshot of the settings page at 1280x720 is written to the
test's temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.projects.engines import engine_in_use
from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_engine_and_pipeline_chosen_in_settings_are_used_by_the_annotation_page(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    tmp_path: Path,
) -> None:
    project, admin = project_setup.project, project_setup.admin
    assert (project.engine, project.pipeline) == ("grabcut", "plain")
    image, _ = upload_scene(project, admin, width=160, height=120)
    screenshot = tmp_path / "settings-1280x720.png"
    result = run_served_flow(
        "settings_used_flow.mjs", admin.username, project.id,
        IMAGE_ID=image.id, PIPELINE="crop", SCREENSHOT=screenshot,
    )  # fmt: skip

    assert result["before"]["pipeline"] == "Pipeline: plain"
    project.refresh_from_db()
    assert (project.engine, project.pipeline) == (result["engine"], "crop")
    assert result["engine"].startswith("sam")
    assert result["after"]["pipeline"] == "Pipeline: crop"
    in_use = engine_in_use(project.engine)
    assert result["after"]["engine"] == f"Engine: {in_use.note}"
    assert result["after"]["engine"] != result["before"]["engine"]
    assert result["after"]["status"].startswith(f"ready · engine {in_use.engine}")
    assert screenshot.stat().st_size > 0
