"""The project page keeps long file names to their place, in Chromium: a name as long as a file
name may be is cut short with an ellipsis, in the image list inside its cell (never over the
thumbnail or the status beside it) and in the list of work inside the list, and the whole name
is its tooltip. Screenshots of the project page at 1280x720 are written to the test's temporary
folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.images.services import image_upload
from inference.synthetic import make_scene
from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup
from tests.factories import png_bytes, upload_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_long_image_names_stay_in_their_column(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    tmp_path: Path,
) -> None:
    project, admin = project_setup.project, project_setup.admin
    long_names = ["W" * 240 + ".png", "photo_" + "0123456789" * 23 + ".jpg.png"]
    for seed, name in enumerate(long_names, start=1):
        scene = make_scene(160, 120, objects=1, seed=seed)
        upload = SimpleUploadedFile(name, png_bytes(scene.image), content_type="image/png")
        image_upload(project=project, uploader=admin, upload=upload)
    upload_scene(project, admin, seed=9)  # and a short name
    screenshot = tmp_path / "project-1280x720.png"
    images_screenshot = tmp_path / "project-images-1280x720.png"
    result = run_served_flow(
        "project_names_flow.mjs", admin.username, project.id,
        SCREENSHOT=screenshot, IMAGES_SCREENSHOT=images_screenshot,
    )  # fmt: skip

    rows = {row["title"]: row for row in result["rows"]}
    assert set(long_names) <= set(rows)
    for name in long_names:
        row = rows[name]
        assert row["text"] == name and row["clipped"] and row["ellipsis"] == "ellipsis"
        assert (
            row["before"]["right"] <= row["cell"]["left"] and row["cell"]["right"] <= row["after"]["left"]
        ), row
    assert not rows["scene9.png"]["clipped"]
    # The list of work too: cut short inside the list, the status beside it still in view.
    listed = {item["title"]: item for item in result["listed"]}
    assert set(long_names) <= set(listed)
    for name in long_names:
        assert listed[name]["text"] == name and listed[name]["clipped"], listed[name]
    assert all(item["inside"] and item["afterInside"] for item in result["listed"]), result["listed"]
    assert not listed["scene9.png"]["clipped"]
    assert result["pageWidth"] <= 1280
    assert screenshot.stat().st_size > 0 and images_screenshot.stat().st_size > 0
