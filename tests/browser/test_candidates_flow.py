"""SAM's three proposals on a first click, cycled with Tab in headless Chromium.

The project runs SAM (a tiny SAM installed as the official vit_b checkpoint). The annotator
clicks once, sees "mask 1 of 3", presses Tab and sees the canvas change to the second and the
third proposal, then back to the first; picks the second and accepts with Enter. The saved
annotation is exactly the second mask the engine proposed for that click.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotator.interactions.models import EventKind, InteractionEvent
from inference.engines.sam.engine import SamEngine
from inference.evaluation.clicker import next_click
from inference.masks import rle
from tests.annotator.interactions.conftest import fresh_worker, sam_project, sam_worker, weights_dir  # noqa: F401
from tests.browser.flow import page_env, run_flow
from tests.browser.live_server import live_asgi_server
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tab_cycles_through_sams_proposals_and_the_chosen_one_is_saved(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    sam_worker: SamEngine,  # noqa: F811
    eager_tasks: None,
    tmp_path: Path,
) -> None:
    project = sam_project(project_setup)
    image, scene = upload_scene(project, project_setup.admin, width=320, height=240, objects=1, seed=3)
    click = next_click(scene.masks[0], np.zeros_like(scene.masks[0]))
    assert click is not None
    with live_asgi_server() as base_url:
        result = run_flow(
            "candidates_flow.mjs",
            **page_env(
                base_url, project_setup.admin.username, project.id,
                IMAGE_ID=image.id, CLICK_X=click.x, CLICK_Y=click.y,
                IMAGE_WIDTH=image.width, IMAGE_HEIGHT=image.height,
            ),
        )  # fmt: skip

    assert "SAM vit_b" in result["engineNote"]
    event = InteractionEvent.objects.get(session__image=image, kind=EventKind.CLICK)
    proposals = [rle.decode(c) for c in event.result["candidates"]]
    assert len(proposals) == 3
    # Each Tab shows another proposal: the canvas changes where the two masks differ.
    for (a, b), key in (((0, 1), "firstToSecond"), ((1, 2), "secondToThird")):
        assert (proposals[a] != proposals[b]).any(), "the tiny SAM proposed two equal masks"
        assert result["changed"][key] > 0
    assert result["changed"]["backToFirst"] == 0
    assert result["changed"]["chosenToSecond"] == 0
    assert result["steps"]["chosen"].endswith("mask 2 of 3 (Tab: next)")
    saved = result["annotations"]
    assert len(saved) == 1 and f"#{saved[0]['id']}" in result["saved"]
    assert np.array_equal(rle.decode(saved[0]["mask"]), proposals[1])
