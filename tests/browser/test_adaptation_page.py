"""A manager on the adaptation page, in headless Chromium against the real ASGI app.

Open it from the project page, read a class's version history and a stored replay check
(current against candidate, better and worse marked), choose the project's variant, roll the
class back, ask for a comparison the project cannot run (and read why), switch the class off;
then find every change through the models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from annotator.adaptation import services
from annotator.adaptation.models import ClassDecoder, ProjectAdaptation, ReplayCheck
from tests.browser.flow import page_env, run_flow
from tests.browser.live_server import live_asgi_server
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def grow(state: bytes | None) -> bytes:
    """A stand-in adaptation step: the page shows versions, it never reads their weights."""
    return (state or b"") + b"w" * 1000


def side(version: int, noc90: float, fr_90: float) -> dict[str, Any]:
    return {
        "version": version, "noc85": noc90 - 1, "noc90": noc90, "noc95": None,
        "nof85": 0, "nof90": 1, "nof95": 2, "fr_85": 0.0, "fr_90": fr_90, "fr_95": None, "miou_curve": [],
    }  # fmt: skip


def test_a_manager_rolls_back_and_switches_off_a_class_decoder(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    eager_tasks: None,
    tmp_path: Path,
) -> None:
    label_class = project_setup.label_class
    for _ in range(3):
        services.decoder_adapt(label_class=label_class, step=grow, user=project_setup.annotator)
    ReplayCheck.objects.create(
        label_class=label_class, current_version=3, candidate_version=1, objects_requested=20,
        max_clicks=20, status="done", finished_at=timezone.now(),
        result={"objects": 12, "max_clicks": 20, "current": side(3, 6.5, 25.0),
                "candidate": side(1, 5.0, 30.0), "per_object": []},
    )  # fmt: skip
    with live_asgi_server() as base_url:
        result = run_flow(
            "adaptation_flow.mjs",
            **page_env(
                base_url, project_setup.admin.username, project_setup.project.id,
                SCREENSHOT=tmp_path / "adaptation.png",
            ),
        )  # fmt: skip
    assert "GrabCut" in result["engineNote"] and "SAM only" in result["engineNote"]
    assert "Version 3" in result["summaryBefore"] and "3 objects" in result["summaryBefore"]
    assert result["versionsBefore"] == 5  # the header and versions 3, 2, 1, 0
    assert any("NoC@90" in row and "6.50" in row and "5.00" in row for row in result["replayRows"])
    # Lower is better: NoC@85 and NoC@90 improved, FR@90 got worse.
    assert (result["betterCells"], result["worseCells"]) == (2, 1)
    assert "Version 4" in result["summaryAfterRollback"] and "1 object ·" in result["summaryAfterRollback"]
    assert "SAM" in result["compareError"]
    assert "switched off" in result["stateAfterSwitch"]

    chosen = ProjectAdaptation.objects.get(project=project_setup.project)
    assert (chosen.click, chosen.lr, chosen.result) == ("continual", 1e-5, "eroded")
    head = ClassDecoder.objects.get(label_class=label_class)
    assert (head.version, head.images_seen, head.enabled) == (4, 1, False)
    assert bytes(head.state) == grow(None)  # version 1's state is the head again
