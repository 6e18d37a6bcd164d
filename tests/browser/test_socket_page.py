"""The annotation page and its socket's refusals and limits, in headless Chromium against the
real ASGI app: refused for who the user is (logged out: 4401, not a member: 4404), the page says
so in words with a link and does not reconnect as it would after a network blip; with small
limits, it thins a long stroke and sends clicks made too fast again, so none is lost."""

from __future__ import annotations

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


def test_the_page_says_why_its_socket_was_refused_and_stops(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    eager_tasks: None,
) -> None:
    image, _ = upload_scene(project_setup.project, project_setup.admin, width=320, height=240, seed=7)
    result = run_served_flow(
        "refusal_flow.mjs", project_setup.annotator.username, project_setup.project.id,
        IMAGE_ID=image.id, OUTSIDER=project_setup.outsider.username,
    )  # fmt: skip

    logged_out = result["loggedOut"]
    assert logged_out["status"].startswith("You are logged out: log in again.")
    path = f"/projects/{project_setup.project.id}/images/{image.id}/annotate/"
    assert logged_out["link"] == f"/login/?next={path.replace('/', '%2F')}"
    assert logged_out["sockets"] == 2  # the page's first socket, and the one refused: no retry
    not_member = result["notMember"]
    assert not_member["status"].startswith("You are not a member of this project")
    assert not_member["link"] == "/projects/"
    assert not_member["sockets"] == 2


def test_the_page_keeps_inside_the_sockets_limits_and_loses_nothing(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    eager_tasks: None,
    settings: Any,
) -> None:
    settings.MASKLOOP_SOCKET_BURST = 3
    settings.MASKLOOP_SOCKET_RATE = 2.0
    settings.MASKLOOP_SOCKET_STROKE_POINTS = 50
    image, scene = upload_scene(project_setup.project, project_setup.admin, width=320, height=240, seed=7)
    click = next_click(scene.masks[0], np.zeros_like(scene.masks[0]))
    assert click is not None
    result = run_served_flow(
        "too_fast_flow.mjs", project_setup.admin.username, project_setup.project.id,
        IMAGE_ID=image.id, IMAGE_WIDTH=image.width, IMAGE_HEIGHT=image.height,
        CLICK_X=click.x, CLICK_Y=click.y, BRUSH="5,5,300,5",
    )  # fmt: skip

    assert result["strokePoints"] == [50]  # a drag of about 150 points, thinned
    assert "rate_limited" in result["errors"] and "too_many_points" not in result["errors"]
    assert result["steps"].startswith("step 6/6")  # the stroke and five clicks, each applied once
    kinds = list(InteractionEvent.objects.filter(status=EventStatus.APPLIED).values_list("kind", flat=True))
    assert sorted(kinds) == ["brush"] + ["click"] * 5
