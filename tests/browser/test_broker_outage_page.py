"""In headless Chromium: a click made while the broker refuses its step is kept by the page,
which says the server cannot reach its workers, sends it again after its back-off and shows
its mask; the click is applied once."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from annotator.interactions.models import EventStatus, InteractionEvent
from inference.evaluation.clicker import next_click
from tests.annotator.interactions.conftest import broker_refuses_once  # noqa: F401 (a fixture)
from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("eager_tasks")
def test_the_page_keeps_a_click_through_a_broker_outage_and_it_is_applied_once(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    settings: Any,
    broker_refuses_once: None,  # noqa: F811
) -> None:
    image, scene = upload_scene(project_setup.project, project_setup.admin, width=320, height=240, seed=7)
    click = next_click(scene.masks[0], np.zeros_like(scene.masks[0]))
    assert click is not None
    result = run_served_flow(
        "broker_outage_flow.mjs", project_setup.admin.username, project_setup.project.id,
        IMAGE_ID=image.id, IMAGE_WIDTH=image.width, IMAGE_HEIGHT=image.height,
        CLICK=json.dumps([click.x, click.y]),
    )  # fmt: skip
    event = InteractionEvent.objects.get()
    assert result["errors"] == [{"code": "dispatch_failed", "event_id": event.client_event_id}]
    assert "your clicks are kept" in result["outageStatus"]
    assert result["finalStatus"].startswith("click:")
    assert result["masks"] == [event.client_event_id] and event.status == EventStatus.APPLIED
