"""The annotation page at common window sizes, on a project with many classes with the longest
names a class may have (a wide toolbar that wraps): every toolbar control and the status line
are inside the window, and the canvas takes the height that is left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.projects.services import label_class_create
from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def inside(box: dict[str, Any], width: int, height: int) -> bool:
    return box["left"] >= 0 and box["top"] >= 0 and box["right"] <= width and box["bottom"] <= height


def test_toolbar_and_status_line_stay_in_the_window(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    tmp_path: Path,
) -> None:
    project = project_setup.project
    for n in range(14):  # names as long as a class may have, in wide letters
        label_class_create(project=project, name=f"{n:02d} " + "W" * 97)
    image, _ = upload_scene(project, project_setup.admin, width=640, height=480)
    screenshot = tmp_path / "annotate-1280x720.png"
    help_screenshot = tmp_path / "annotate-shortcuts-1280x720.png"
    result = run_served_flow(
        "layout_flow.mjs", project_setup.admin.username, project.id,
        IMAGE_ID=image.id, SCREENSHOT=screenshot, HELP_SCREENSHOT=help_screenshot,
    )  # fmt: skip
    assert [(s["width"], s["height"]) for s in result["sizes"]] == [(1024, 768), (1280, 720), (1920, 1080)]
    for size in result["sizes"]:
        width, height = size["width"], size["height"]
        outside = [c["name"] for c in size["controls"] if not inside(c, width, height)]
        assert outside == [], (width, height, outside)
        assert len(size["controls"]) >= 15
        assert inside(size["status"], width, height) and inside(size["statusbar"], width, height), size
        assert size["scrollHeight"] <= height
        # The canvas takes what the toolbar and status line leave: at least half the window.
        assert size["stage"]["bottom"] - size["stage"]["top"] >= height / 2
        assert size["stage"]["bottom"] <= size["statusbar"]["top"]
        assert inside(size["help"], width, height), size["help"]  # the list of shortcuts
    assert screenshot.stat().st_size > 0 and help_screenshot.stat().st_size > 0
