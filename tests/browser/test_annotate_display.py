"""How the annotation page shows saved objects, in Chromium, on an image with two touching
objects of one class: a line along their shared border unlike the tint on either side of it, the
bare image exactly once H hides them, a tint that follows the opacity slider, a highlight under
the cursor, a hue per object when coloured by object, and the choices kept after a reload.
Screenshots at 1280x720 are written to the test's temporary folder."""

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

ROWS = (80, 100, 120, 140, 160)
TOP, BOTTOM = 60, 180  # both objects' rows
LEFT_A, BORDER = 60, 160  # object A: columns 60..159; object B: 160..259
RIGHT_B = 260


def save_box(image: ImageAsset, label_class: LabelClass, author: User, x0: int, x1: int) -> Annotation:
    mask = np.zeros((image.height, image.width), dtype=bool)
    mask[TOP:BOTTOM, x0:x1] = True
    return annotation_create(image=image, label_class=label_class, mask=rle.encode(mask), author=author)


def distance(p: list[int], q: list[int]) -> int:
    return sum(abs(a - b) for a, b in zip(p, q, strict=True))


def test_touching_objects_outlines_hiding_and_opacity(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    tmp_path: Path,
) -> None:
    project, admin = project_setup.project, project_setup.admin
    image, _ = upload_scene(project, admin, width=320, height=240, seed=3)
    save_box(image, project_setup.label_class, admin, LEFT_A, BORDER)
    save_box(image, project_setup.label_class, admin, BORDER, RIGHT_B)
    screenshot = tmp_path / "annotate-display-1280x720.png"
    object_screenshot = tmp_path / "annotate-display-by-object-1280x720.png"
    result = run_served_flow(
        "display_flow.mjs", admin.username, project.id,
        IMAGE_ID=image.id, IMAGE_WIDTH=image.width, IMAGE_HEIGHT=image.height,
        ROWS=",".join(map(str, ROWS)), COLUMNS=f"{BORDER - 1},{BORDER},{BORDER - 30},{BORDER + 30}",
        SCREENSHOT=screenshot, OBJECT_SCREENSHOT=object_screenshot,
    )  # fmt: skip

    assert result["initial"] == {"shown": True, "colourBy": "class", "opacity": "30"}
    shown = result["shown"]
    # Along the shared border, each object's outline stands out from the tint on both sides.
    for row in range(len(ROWS)):
        for border in (shown["borderA"][row], shown["borderB"][row]):
            assert distance(border, shown["insideA"][row]) >= 40, (row, shown)
            assert distance(border, shown["insideB"][row]) >= 40, (row, shown)
    # The outline is opaque: one colour all along, whatever the image under it.
    for side in ("borderA", "borderB"):
        assert max(distance(p, shown[side][0]) for p in shown[side]) <= 6, shown[side]

    # Hidden (H), the canvas is the bare image, pixel for pixel; shown, it is not.
    assert result["shownDiffering"] > 0
    assert result["hiddenDiffering"] == 0
    assert result["hiddenSettings"]["shown"] is False
    assert result["shownAgain"] == shown

    # The opacity slider changes the tint inside an object, not its outline.
    opaque = result["opaque"]
    assert all(distance(p, q) >= 30 for p, q in zip(opaque["insideA"], shown["insideA"], strict=True)), opaque
    assert opaque["borderA"] == shown["borderA"]
    for row in range(len(ROWS)):  # and the outline still stands out from a strong tint
        assert distance(opaque["borderA"][row], opaque["insideA"][row]) >= 40, (row, opaque)

    # Under the cursor, object A is drawn stronger; B is not; leaving restores it.
    hovered = result["hovered"]
    assert distance(hovered["insideA"][0], opaque["insideA"][0]) >= 20
    assert hovered["insideB"] == opaque["insideB"]
    assert result["leftAgain"] == opaque

    # Coloured by object, the two objects of one class get clearly different hues.
    by_object = result["byObject"]
    assert all(distance(a, b) >= 100 for a, b in zip(by_object["borderA"], by_object["borderB"], strict=True))
    assert result["afterReload"] == {"shown": True, "colourBy": "object", "opacity": "80"}
    assert result["byObjectAfterReload"] == by_object
    assert screenshot.stat().st_size > 0 and object_screenshot.stat().st_size > 0
