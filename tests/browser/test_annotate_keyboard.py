"""The annotation page's keyboard, in Chromium: shortcuts act right after a class is chosen in
the drop-down with the mouse (a tool key, and Enter saving as that class), `?` lists every
shortcut and Esc closes the list, number keys choose classes in the project's order, and the
class does not carry over to the next image unless it is pinned."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rest_framework.test import APIClient

from annotator.projects.services import label_class_create
from inference.evaluation.clicker import next_click
from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_shortcuts_classes_and_the_pin(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    tmp_path: Path,
) -> None:
    project, admin = project_setup.project, project_setup.admin
    classes = [
        project_setup.label_class,
        label_class_create(project=project, name="truck"),
        label_class_create(project=project, name="person"),
    ]
    first, scene = upload_scene(project, admin, width=320, height=240, seed=1)
    second, _ = upload_scene(project, admin, width=320, height=240, seed=2)
    click = next_click(scene.masks[0], np.zeros_like(scene.masks[0]))
    assert click is not None
    ids = [str(c.id) for c in classes]
    result = run_served_flow(
        "keyboard_flow.mjs", admin.username, project.id,
        IMAGE_IDS=f"{first.id},{second.id}", CLASS_IDS=",".join(ids),
        CLICK_X=click.x, CLICK_Y=click.y, IMAGE_WIDTH=first.width, IMAGE_HEIGHT=first.height,
        SCREENSHOT=tmp_path / "annotate-keyboard.png",
    )  # fmt: skip

    assert result["opened"] == {"value": ids[0], "chip": classes[0].name}
    assert result["toolAfterChoice"] == "box"
    # Enter right after choosing "person" in the drop-down saved the object as a person.
    client = APIClient()
    client.force_authenticate(admin)
    listed = client.get(f"/api/projects/{project.id}/annotations/", {"image": first.id}).data["results"]
    assert [a["class_name"] for a in listed] == ["person"]
    assert f"#{listed[0]['id']}" in result["saved"]

    overlay = result["overlay"]
    assert overlay["visible"]
    keys = [row[0] for row in overlay["rows"]]
    listed_keys = ["?", "Esc", "Enter", "Shift+Enter", "Ctrl+Z", "Tab", "1 … 9", "B", "C", "M", "T", "D", "F"]
    assert [key for key in listed_keys if key not in keys] == []
    assert all(row[1] for row in overlay["rows"])
    assert result["toolWhileOverlay"] == "click"
    assert result["overlayAfterEsc"] is False and result["overlayAfterTwice"] is False

    assert result["byTwo"] == {"value": ids[1], "chip": "truck"}
    assert result["byOne"]["value"] == ids[0] and result["byThree"]["value"] == ids[2]
    # The next image starts with the first class; once pinned, the class chosen carries over.
    assert result["nextImage"]["value"] == ids[0]
    assert result["pinnedNextImage"] == {"value": ids[1], "chip": "truck"}
    assert result["pinPressed"] == "true"
