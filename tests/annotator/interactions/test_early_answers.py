"""A step's answer goes to the page before the step's write-back and commit, where the step
locks its session's row (PostgreSQL). A page that opens the session meanwhile waits for the
commit, and a step that fails to commit is applied and answered again."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import OperationalError, connection, connections

from annotator.interactions import pg_primitives, selectors, services, step_queries
from annotator.interactions.models import EventStatus, InteractionEvent
from inference.masks import rle
from tests.annotator.interactions.driver import Driver
from tests.annotator.interactions.test_step_locks import record_click
from tests.conftest import ProjectSetup

pytestmark = pytest.mark.django_db(transaction=True)


def _status_elsewhere(event_id: int) -> str:
    """The event's status as another connection (another process) sees it: committed data only."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            table = InteractionEvent._meta.db_table
            cursor.execute(f"SELECT status FROM {table} WHERE id = %s", [event_id])
            return str(cursor.fetchone()[0])
    finally:
        other.close()


def _waiting_for_a_row_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype IN ('tuple', 'transactionid') AND NOT granted"
        )
        return int(cursor.fetchone()[0])


def test_a_clicks_answer_goes_out_before_its_commit_and_a_page_opening_then_gets_the_step(
    project_setup: ProjectSetup,
) -> None:
    if not pg_primitives.locks_rows():
        pytest.skip("row locks are PostgreSQL's (the CI database)")
    driver = Driver(project_setup, width=120, height=90, objects=1)
    event, _ = record_click(driver.session.id)
    sent: list[tuple[dict[str, Any], str]] = []
    snapshots: list[dict[str, Any]] = []

    def page_opens() -> None:  # the consumer's open, from another page of the annotator
        try:
            session = services.session_open(
                user=project_setup.annotator, image=driver.image, label_class=project_setup.label_class
            )
            snapshots.append(selectors.session_snapshot(session=session))
        finally:
            connection.close()

    opener = threading.Thread(target=page_opens)

    def notify(frame: dict[str, Any]) -> None:
        sent.append((frame, _status_elsewhere(event.id)))
        opener.start()
        deadline = time.monotonic() + 10
        while not _waiting_for_a_row_lock() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert opener.is_alive()  # held by the step's row lock, not answered with the old state

    advanced = services.session_advance(session_id=driver.session.id, notify=notify)
    opener.join(10)
    [(frame, status_then)] = sent
    assert advanced.sent and advanced.frames == [frame]
    assert frame["type"] == "mask" and frame["event_id"] == "c1"
    assert status_then == EventStatus.PENDING  # not committed when the page got its answer
    assert _status_elsewhere(event.id) == EventStatus.APPLIED
    [snapshot] = snapshots
    assert snapshot["step"] == 1 and snapshot["clicks"] == [[60.0, 45.0, True]]
    driver.show([frame])
    assert (rle.decode(snapshot["mask"]) == driver.mask).all()


def test_an_accept_is_answered_after_its_commit(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup, width=120, height=90, objects=1)
    driver.robot_click(driver.scene.masks[0])
    driver.count += 1
    services.event_record(
        session_id=driver.session.id, client_event_id="a1", kind="accept", payload={}, seq=driver.count
    )
    sent: list[dict[str, Any]] = []
    advanced = services.session_advance(session_id=driver.session.id, notify=sent.append)
    assert not advanced.sent and sent == []
    assert [frame["type"] for frame in advanced.frames] == ["accepted"]


def test_answers_go_before_the_commit_exactly_where_steps_lock_rows(project_setup: ProjectSetup) -> None:
    """SQLite (the embedded set-up) has no row lock to hold an opening page until the commit:
    there the answer waits for it."""
    driver = Driver(project_setup, width=120, height=90, objects=1)
    record_click(driver.session.id)
    sent: list[dict[str, Any]] = []
    advanced = services.session_advance(session_id=driver.session.id, notify=sent.append)
    assert advanced.sent == pg_primitives.locks_rows()
    assert sent == (advanced.frames if advanced.sent else [])
    assert advanced.frames[0]["type"] == "mask"


def test_a_step_that_fails_to_commit_after_answering_is_applied_and_answered_again(
    project_setup: ProjectSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not pg_primitives.locks_rows():
        pytest.skip("answers before the commit are PostgreSQL's (the CI database)")
    driver = Driver(project_setup, width=120, height=90, objects=2, seed=1)
    driver.robot_click(driver.scene.masks[0])  # this worker remembers the session after it
    ys, xs = driver.scene.masks[1].nonzero()
    event, _ = services.event_record(
        session_id=driver.session.id,
        client_event_id="c1",
        kind="click",
        payload={"x": float(xs.mean()), "y": float(ys.mean()), "positive": True},
        seq=2,
    )
    write_back = step_queries.events_mark_applied

    def connection_lost(*args: Any, **kwargs: Any) -> None:
        monkeypatch.setattr(step_queries, "events_mark_applied", write_back)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(step_queries, "events_mark_applied", connection_lost)
    sent: list[dict[str, Any]] = []
    with pytest.raises(OperationalError):  # the task retries on it
        services.session_advance(session_id=driver.session.id, notify=sent.append)
    assert [f["event_id"] for f in sent] == ["c1"]
    assert InteractionEvent.objects.get(id=event.id).status == EventStatus.PENDING

    advanced = services.session_advance(session_id=driver.session.id, notify=sent.append)
    assert advanced.sent and [f["event_id"] for f in sent] == ["c1", "c1"]
    # Applied once: the second answer is the same step, from the state before the failed one.
    assert sent[1]["step"] == sent[0]["step"] == 2 and sent[1]["steps"] == 2
    assert sent[1]["patch"] == sent[0]["patch"]
    assert InteractionEvent.objects.get(id=event.id).status == EventStatus.APPLIED
