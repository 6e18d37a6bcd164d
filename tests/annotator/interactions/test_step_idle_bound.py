"""A worker frozen (or cut off) inside a step holds its session for the step's idle bound at
most: PostgreSQL then ends the step's transaction, a live worker applies the session's events,
and the frozen worker, when it wakes, commits nothing (click-path invariant 8)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import Error, connection, transaction

from annotator.interactions import pg_primitives, services
from annotator.interactions.models import EventStatus, InteractionEvent
from tests.annotator.interactions.driver import Driver
from tests.annotator.interactions.test_step_locks import lock_timeout, record_click
from tests.conftest import ProjectSetup

IDLE_BOUND_SECONDS = 0.5
FROZEN_SECONDS = 3.0


@pytest.mark.django_db(transaction=True)
def test_a_step_frozen_past_its_idle_bound_frees_its_session_and_commits_nothing(
    project_setup: ProjectSetup, settings: Any
) -> None:
    if not pg_primitives.locks_rows():
        pytest.skip("row locks and the idle bound are PostgreSQL's (the CI database)")
    settings.MASKLOOP_STEP_IDLE_TIMEOUT_SECONDS = IDLE_BOUND_SECONDS
    driver = Driver(project_setup, width=120, height=90, objects=1)
    event, _ = record_click(driver.session.id)
    answered, woke = threading.Event(), threading.Event()
    frozen_outcome: list[BaseException | None] = []

    def freeze(frame: dict[str, Any]) -> None:
        """The frozen worker: it answered, then stops before its write-back and commit,
        sending nothing to the database meanwhile."""
        answered.set()
        time.sleep(FROZEN_SECONDS)
        woke.set()

    def frozen_worker() -> None:
        try:
            services.session_advance(session_id=driver.session.id, worker="frozen", notify=freeze)
            frozen_outcome.append(None)
        except Error as error:
            frozen_outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=frozen_worker)
    thread.start()
    try:
        assert answered.wait(10)
        started = time.monotonic()
        with lock_timeout(int(FROZEN_SECONDS * 1000 / 2)):  # well before the frozen one wakes
            with transaction.atomic():
                services.session_lock_for_step(session_id=driver.session.id)
            freed_after = time.monotonic() - started
            frames = services.session_advance(session_id=driver.session.id, worker="live").frames
        assert not woke.is_set()
        assert freed_after < FROZEN_SECONDS / 2
        assert [(f["type"], f["event_id"]) for f in frames] == [("mask", "c1")]
    finally:
        thread.join(FROZEN_SECONDS + 10)
    [outcome] = frozen_outcome
    assert outcome is not None, "the frozen worker's step committed after its idle bound"
    assert "idle-in-transaction timeout" in str(outcome)
    stored = InteractionEvent.objects.get(id=event.id)
    assert (stored.status, stored.applied_by) == (EventStatus.APPLIED, "live")
    assert services.session_advance(session_id=driver.session.id).frames == []  # nothing left, once
