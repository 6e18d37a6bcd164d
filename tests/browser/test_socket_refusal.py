"""The annotation page when its socket is refused for who the user is, in headless Chromium
against the real ASGI app: logged out (4401) or not a member (4404), the page says so in words
with a link, and does not reconnect as it would after a network blip."""

from __future__ import annotations

import pytest

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
