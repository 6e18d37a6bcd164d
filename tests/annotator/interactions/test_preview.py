"""The focus view's two answers: the global mask goes to the page at once, the refined one
follows as the step's mask, and a page applying both ends with the server's mask."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from annotator.interactions import services
from annotator.interactions.selectors import session_history
from inference.evaluation.clicker import next_click
from inference.masks import rle
from inference.prompts import Click
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = pytest.mark.django_db


def paint(page: np.ndarray, change: dict[str, Any], side: str) -> None:
    x, y, w, h = change["bbox"]
    if change[side] is not None:
        page[y : y + h, x : x + w] = rle.decode(change[side])


def test_a_focus_step_previews_the_global_mask_before_its_refined_mask(project_setup: ProjectSetup) -> None:
    project_setup.project.pipeline = "focus"
    project_setup.project.save(update_fields=["pipeline"])
    image, scene = upload_scene(
        project_setup.project, project_setup.admin, width=240, height=180, objects=2, seed=7
    )
    truth = scene.masks[0]
    session = services.session_open(
        user=project_setup.annotator, image=image, label_class=project_setup.label_class
    )
    page = np.zeros_like(truth)
    first = next_click(truth, page)
    assert first is not None
    # Then background clicks just inside the object's edge: small changes, which FocusCut
    # refines in a focus view.
    depth = cv2.distanceTransform(truth.astype(np.uint8), cv2.DIST_L2, 3)
    clicks = [first]
    for d in (2.0, 4.0):
        ys, xs = np.nonzero(np.abs(depth - d) < 0.5)
        clicks.append(Click(float(xs[0]), float(ys[0]), False))
    previews = 0
    for step, click in enumerate(clicks, start=1):
        services.event_record(
            session_id=session.id,
            client_event_id=f"c{step}",
            kind="click",
            payload={"x": click.x, "y": click.y, "positive": click.positive},
            seq=step,
        )
        sent: list[dict[str, Any]] = []
        advanced = services.session_advance(session_id=session.id, notify=sent.append)
        [frame] = advanced.frames
        shown_first = [f for f in sent if f["type"] == "preview"]
        assert sent == shown_first + ([frame] if advanced.sent else [])  # previews before the answer
        for preview in shown_first:  # what the page shows while the focus view runs
            assert preview["event_id"] == frame["event_id"] == f"c{step}"
            paint(page, preview["patch"], "after")
            assert preview["area"] == int(page.sum())
            paint(page, preview["patch"], "before")  # the final frame's patch starts before the step
            previews += 1
        paint(page, frame["patch"], "after")
        history = session_history(session=session)
        assert history.current_mask is not None
        assert np.array_equal(page, rle.decode(history.current_mask))
    assert previews == 2  # the first click has no previous mask to focus on; the other two do
