"""The analytics page in headless Chromium: a manager sees every plot drawn and the tables
filled, sorts a table, and a class filter changes the numbers (kept in the address); an
annotator sees their own figures only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from annotator.analytics.services import records_backfill
from annotator.interactions.models import SessionState
from tests.annotator.analytics.scripted import Step, scripted_session
from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup
from tests.factories import LabelClassFactory, MembershipFactory, upload_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_manager_reads_the_analytics_and_an_annotator_their_own(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    tmp_path: Path,
) -> None:
    project = project_setup.project
    image, _ = upload_scene(project, project_setup.admin, width=64, height=48)
    few, many = project_setup.label_class, LabelClassFactory(project=project, name="hard")
    colleague = MembershipFactory(project=project, role="annotator").user
    mine = project_setup.annotator
    plan = [  # (class, annotator, clicks, accepted)
        (few, mine, 2, True), (few, colleague, 3, True), (few, mine, 2, True),
        (many, colleague, 12, True), (many, colleague, 9, False), (many, mine, 14, True),
    ]  # fmt: skip
    for index, (label_class, user, clicks, accepted) in enumerate(plan):
        steps = [Step("click", 2 * i, engine_ms=60) for i in range(clicks)]
        steps.append(Step("accept" if accepted else "cancel", 2 * clicks + 1))
        scripted_session(
            image=image, label_class=label_class, user=user, start=START + timedelta(days=index),
            state=SessionState.ACCEPTED if accepted else SessionState.CANCELLED, steps=steps,
        )  # fmt: skip
    records_backfill()
    shot = tmp_path / "analytics.png"
    result = run_served_flow(
        "analytics_flow.mjs", project_setup.admin.username, project.id,
        FEW_CLICKS_CLASS=few.id, ANNOTATOR=mine.username, SCREENSHOT=shot,
    )  # fmt: skip
    assert result["pageErrors"] == []
    learning = [f"chart-learning-{few.id}", f"chart-learning-{many.id}"]
    for canvas in ["chart-noc", "chart-time", "chart-classes", "chart-annotators", "chart-health", *learning]:
        assert result["painted"][canvas] > 2000, canvas  # axes, bars, lines: drawn, not blank
    before, filtered = result["before"], result["filtered"]
    assert before["objects"] == "6"
    assert [row[0] for row in before["classRows"]] == ["hard", few.name]  # most objects first
    assert before["classRows"][1][1:5] == ["3", "3", "0.0 %", "2.3"]  # objects, accepted, abandoned, NoC mean
    assert result["sortedFirst"] == "hard"
    assert sorted(before["annotatorRows"]) == sorted([mine.username, colleague.username])
    assert filtered["objects"] == "3" and [row[0] for row in filtered["classRows"]] == [few.name]
    assert f"class={few.id}" in result["address"]
    own = result["own"]
    assert own["objects"] == "3"  # the annotator's: two easy objects and one hard
    assert "Your own figures" in result["ownNote"] and result["annotatorSection"] == 0
    assert shot.stat().st_size > 20_000
