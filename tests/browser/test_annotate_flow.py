"""A person's first annotation, in headless Chromium against the real ASGI app.

Log in, open the image, click on the object, see the mask painted on the canvas, undo (gone),
redo (back), look through the magnifier, paint a brush stroke in the background, click on a
second object, undo that click (the canvas is exactly as the brush left it), accept, and find
the annotation, brush stroke included, through the REST API. Then correct the saved object:
pick it, erase a stripe, accept; the same annotation now has the stripe erased.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from rest_framework.test import APIClient

from inference.evaluation.clicker import next_click
from inference.evaluation.metrics import iou
from inference.masks import rle
from inference.masks.manual import BrushStroke
from tests.browser.flow import ROOT, run_served_flow
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PLAYWRIGHT = ROOT / "node_modules" / "playwright-core"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def browser_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM}"
    if not PLAYWRIGHT.exists():
        return "playwright-core is not installed (npm install)"
    return None


@pytest.fixture
def browser_ready() -> None:
    missing = browser_missing()
    if missing is None:
        return
    if os.environ.get("MASKLOOP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here but cannot run: {missing}")
    pytest.skip(f"BROWSER TESTS SKIPPED: {missing}")


def test_annotate_an_object_in_the_browser(
    browser_ready: None, project_setup: ProjectSetup, eager_tasks: None, tmp_path: Path
) -> None:
    image, scene = upload_scene(
        project_setup.project, project_setup.admin, width=640, height=480, objects=2, seed=5
    )
    truth, other = scene.masks
    click = next_click(truth, np.zeros_like(truth))
    second = next_click(other, np.zeros_like(other))
    assert click is not None and second is not None
    brush = BrushStroke(points=((20.0, 20.0), (80.0, 20.0)), size=9.0, erase=False).pixels(480, 640)
    assert not (brush & (truth | other)).any()
    result = run_served_flow(
        "annotate_flow.mjs", project_setup.admin.username, project_setup.project.id,
        IMAGE_ID=image.id, CLICK_X=click.x, CLICK_Y=click.y,
        IMAGE_WIDTH=image.width, IMAGE_HEIGHT=image.height,
        CLICK2_X=second.x, CLICK2_Y=second.y,
        BRUSH="20,20,80,20", SCREENSHOT=tmp_path / "annotate.png",
    )  # fmt: skip

    painted_object_pixels = truth.sum() * result["scale"] ** 2
    assert result["changedByClick"] > 0.8 * painted_object_pixels
    assert result["changedAfterUndo"] == 0
    assert result["redoDiffersFromClick"] == 0
    assert result["statuses"]["click"].startswith("click: ")
    assert result["magnifier"]["visible"] and result["magnifier"]["colours"] > 3
    assert result["magnifierAfterToggle"] == "none"
    assert result["changedByBrush"] > 0.5 * brush.sum() * result["scale"] ** 2
    assert result["changedBySecondClick"] > 0.8 * other.sum() * result["scale"] ** 2
    assert result["undoDiffersFromBrush"] == 0
    assert result["changedByMatte"] > 0.5 * truth.sum() * result["scale"] ** 2
    assert result["matteLink"].endswith("/matte.png?download=1")
    assert result["matteDownload"] == f"annotation-{result['annotations'][0]['id']}-matte.png"
    # The page showed the matte once the server had it, saying it was computing meanwhile; where a
    # worker of the batch queue computes it (Redis), the page was told to come back and did.
    assert result["matteStatuses"][0] == "computing the matte…" and result["matteAnswers"][-1] == 200
    if settings.REDIS_URL:
        assert result["matteAnswers"][0] == 202

    client = APIClient()
    client.force_authenticate(project_setup.annotator)
    listed = client.get(f"/api/projects/{project_setup.project.id}/annotations/", {"image": image.id}).data[
        "results"
    ]
    assert len(listed) == 1 == len(result["annotations"])
    first = result["annotations"][0]
    assert listed[0]["id"] == first["id"]
    assert f"#{first['id']}" in result["saved"] and f"#{first['id']}" in result["savedAfterCorrect"]
    saved = rle.decode(first["mask"])
    # The correction replaced the object's mask: a stripe across it is erased, nothing else changed.
    corrected = rle.decode(listed[0]["mask"])
    row, col = round(click.y), round(click.x)
    assert not corrected[row, col - 25 : col + 25].any()
    assert not (corrected & ~saved).any() and corrected.sum() < saved.sum()
    assert iou(truth, saved & ~brush) >= 0.9
    # The stroke (its centre line at least: the page sends the dragged points) is in the object.
    assert saved[20, 22:79].all() and saved[brush].mean() > 0.8
    assert not saved[other].any()
    assert listed[0]["class_name"] == project_setup.label_class.name
