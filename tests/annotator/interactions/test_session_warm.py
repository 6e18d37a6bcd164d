"""A session's state is loaded on its worker when it opens, so its first click is a plain step."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator.interactions import services
from annotator.interactions.models import InteractionEvent
from annotator.serving.sessions import live_sessions
from tests.annotator.interactions.driver import Driver
from tests.conftest import ProjectSetup

pytestmark = pytest.mark.django_db


def _queries(step: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        step()
    return len(captured.captured_queries)


def test_a_warmed_session_reads_the_log_for_its_first_click_as_for_any_other(
    project_setup: ProjectSetup,
) -> None:
    warmed = Driver(project_setup, width=200, height=150, objects=2, seed=1)
    cold = Driver(project_setup, width=200, height=150, objects=2, seed=2)
    services.session_warm(session_id=warmed.session.id)
    first = _queries(lambda: warmed.robot_click(warmed.scene.masks[0]))
    second = _queries(lambda: warmed.robot_click(warmed.scene.masks[1]))
    cold_first = _queries(lambda: cold.robot_click(cold.scene.masks[0]))
    assert first == second < cold_first


def test_warming_reads_the_log_once_and_keeps_every_applied_step(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup, width=200, height=150, objects=2, seed=1)
    driver.robot_click(driver.scene.masks[0])
    driver.robot_click(driver.scene.masks[0])
    two_clicks = driver.mask.copy()
    driver.send("undo")
    live_sessions.discard(driver.session.id)  # as on a worker that never had it
    with CaptureQueriesContext(connection) as captured:
        services.session_warm(session_id=driver.session.id)
    events_table = InteractionEvent._meta.db_table
    assert sum(events_table in query["sql"] for query in captured.captured_queries) == 1
    last = live_sessions.last_event_id(driver.session.id)
    warm = live_sessions.get(driver.session.id, last) if last is not None else None
    assert warm is not None and (len(warm.history.steps), warm.history.cursor) == (2, 1)
    [redo] = driver.send("redo")  # the second click comes back from the warmed history
    assert redo["type"] == "mask" and np.array_equal(driver.mask, two_clicks)


def test_a_warmed_state_that_another_worker_moved_past_is_rebuilt(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup, width=200, height=150, objects=2, seed=1)
    services.session_warm(session_id=driver.session.id)
    warm = live_sessions.get(driver.session.id, services.NO_EVENT)
    assert warm is not None and warm.history.cursor == 0
    driver.robot_click(driver.scene.masks[0])
    clicked = driver.mask.copy()
    # This worker still remembers the session as it opened; another worker applied the click.
    live_sessions.put(driver.session.id, services.NO_EVENT, warm)
    [undo] = driver.send("undo")
    assert undo["type"] == "mask" and not driver.mask.any()
    driver.send("redo")
    assert np.array_equal(driver.mask, clicked)


def test_warming_a_session_that_is_no_longer_open_remembers_nothing(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup)
    driver.robot_click(driver.scene.masks[0])
    driver.send("accept")
    live_sessions.discard(driver.session.id)
    services.session_warm(session_id=driver.session.id)
    assert live_sessions.last_event_id(driver.session.id) is None
