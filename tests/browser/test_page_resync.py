"""The page asks for its session's state again when the frames it gets cannot be trusted to
hold it: in headless Chromium, the page's WebSocket going through a route (Playwright's) that
drops or forges the server's frames.

- An answer lost on the way, the socket still open (a worker that cannot relay its frames, the
  channel layer's connection to Redis dropping for a moment): after its resync time with no
  answer the page shows the applied mask, and the next click is answered as usual.
- A second, different answer to a click (a step that answered before its commit, failed to
  commit and was applied again): the page shows what the server holds.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from annotator.interactions.models import EventStatus, InteractionEvent
from inference.evaluation.clicker import next_click
from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESYNC_MS = 1500


def test_the_page_recovers_an_answer_lost_on_the_way(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    eager_tasks: None,
    settings: Any,
) -> None:
    settings.MASKLOOP_PAGE_RESYNC_MS = RESYNC_MS
    image, scene = upload_scene(
        project_setup.project, project_setup.admin, width=320, height=240, objects=2, seed=7
    )
    clicks = [next_click(truth, np.zeros_like(truth)) for truth in scene.masks]
    assert all(click is not None for click in clicks)
    result = run_served_flow(
        "lost_answer_flow.mjs", project_setup.admin.username, project_setup.project.id,
        IMAGE_ID=image.id, IMAGE_WIDTH=image.width, IMAGE_HEIGHT=image.height,
        CLICKS=json.dumps([[c.x, c.y] for c in clicks if c is not None]),
    )  # fmt: skip

    # The server applied the click, and its answer was dropped on the way.
    lost = InteractionEvent.objects.get(client_event_id=result["droppedMask"])
    assert lost.status == EventStatus.APPLIED
    # The page asked for the session again (a second open), once the resync time had passed.
    assert result["fromPage"].count("open") == 2 and result["fromServer"].count("session") == 2
    assert result["settledAfterMs"] >= RESYNC_MS
    # What it then shows is the object the server's mask holds; the next click adds the second.
    pixels = result["scale"] ** 2
    assert result["changedByFirst"] > 0.8 * scene.masks[0].sum() * pixels
    assert result["changedBySecond"] > 0.8 * scene.masks[1].sum() * pixels
    assert result["steps"].startswith("step 2/2")


def test_the_page_takes_the_servers_state_when_a_click_is_answered_again(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    eager_tasks: None,
) -> None:
    image, scene = upload_scene(
        project_setup.project, project_setup.admin, width=320, height=240, objects=1, seed=7
    )
    click = next_click(scene.masks[0], np.zeros_like(scene.masks[0]))
    assert click is not None
    result = run_served_flow(
        "answered_again_flow.mjs", project_setup.admin.username, project_setup.project.id,
        IMAGE_ID=image.id, IMAGE_WIDTH=image.width, IMAGE_HEIGHT=image.height,
        CLICK_X=click.x, CLICK_Y=click.y,
    )  # fmt: skip

    pixels = result["scale"] ** 2
    assert result["changedByClick"] > 0.8 * scene.masks[0].sum() * pixels
    # The forged second answer took the object away on the canvas, until the session's state came.
    assert result["forgedDiffersFromAnswer"] > 0.8 * result["changedByClick"]
    assert result["fromPage"].count("open") == 2 and result["fromServer"].count("session") == 2
    assert result["resyncedDiffersFromAnswer"] == 0
    assert result["steps"].startswith("step 1/1")
