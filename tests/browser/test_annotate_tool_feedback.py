"""The annotation page's tools say what they do, in Chromium with GrabCut: Tab after a click says
that GrabCut gives one mask (and still moves the focus from a button), and the matte can be had
for an older saved object, not only the one saved last: T with the pointer on it asks the
server for that object's matte, and its row in the object list links to that object's PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.contrib.auth.models import User

from annotator.annotations.models import Annotation
from annotator.annotations.services import annotation_create
from annotator.images.models import ImageAsset
from annotator.projects.models import LabelClass
from inference.masks import rle
from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def save_box(image: ImageAsset, label_class: LabelClass, author: User, x0: int, y0: int) -> Annotation:
    mask = np.zeros((image.height, image.width), dtype=bool)
    mask[y0 : y0 + 40, x0 : x0 + 40] = True
    return annotation_create(image=image, label_class=label_class, mask=rle.encode(mask), author=author)


def test_tab_says_grabcut_has_no_alternatives_and_the_matte_of_an_older_object(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    tmp_path: Path,
) -> None:
    project, admin = project_setup.project, project_setup.admin
    assert project.engine == "grabcut"
    image, _ = upload_scene(project, admin, width=320, height=240, seed=4)
    older = save_box(image, project_setup.label_class, admin, 20, 20)
    newer = save_box(image, project_setup.label_class, admin, 260, 180)
    screenshot = tmp_path / "annotate-matte-1280x720.png"
    result = run_served_flow(
        "tool_feedback_flow.mjs", admin.username, project.id,
        IMAGE_ID=image.id, IMAGE_WIDTH=image.width, IMAGE_HEIGHT=image.height,
        CLICK_X=160, CLICK_Y=120, OLDER_ID=older.id, OLDER_X=40, OLDER_Y=40, SCREENSHOT=screenshot,
    )  # fmt: skip

    assert result["afterTab"] == "GrabCut (OpenCV) gives one mask: no alternatives to cycle with Tab"
    assert result["tabOnButton"]["focused"] != "fit"
    assert result["tabOnButton"]["status"].startswith("click: ")

    older_matte = f"/api/projects/{project.id}/annotations/{older.id}/matte.png"
    newer_matte = f"/api/projects/{project.id}/annotations/{newer.id}/matte.png"
    assert result["requestsAfterT"] and all(r.startswith(older_matte) for r in result["requestsAfterT"])
    assert result["afterT"] in {"computing the matte…", f"matte of annotation #{older.id} (T: hide)"}
    assert result["downloadHref"] == f"{older_matte}?download=1"
    assert result["requestsAfterLink"] and all(r.startswith(older_matte) for r in result["requestsAfterLink"])
    assert not any(r.startswith(newer_matte) for r in result["matteRequests"])
    assert screenshot.stat().st_size > 0
