"""A step locks its own session only: other annotators' steps on the same image and class go on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from annotator.interactions import pg_primitives, services
from annotator.interactions.models import EventStatus, InteractionEvent
from tests.annotator.interactions.driver import Driver
from tests.conftest import ProjectSetup


@contextmanager
def step_in_progress(session_id: int) -> Iterator[None]:
    """Another worker in the middle of a step of ``session_id``: it holds the lock a step takes."""
    locked, release = threading.Event(), threading.Event()

    def worker() -> None:
        try:
            with transaction.atomic():
                services.session_lock_for_step(session_id=session_id)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    assert locked.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join()


@contextmanager
def lock_timeout(ms: int) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{ms}ms'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


def record_click(
    session_id: int, start_step: Callable[[], None] | None = None
) -> tuple[InteractionEvent, bool]:
    """The page's click "c1" at the image's centre, as the consumer records it."""
    return services.event_record(
        session_id=session_id,
        client_event_id="c1",
        kind="click",
        payload={"x": 60.0, "y": 45.0, "positive": True},
        seq=1,
        start_step=start_step,
    )


@pytest.mark.django_db(transaction=True)
def test_a_step_goes_on_while_another_annotator_steps_on_the_same_image_and_class(
    project_setup: ProjectSetup,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's (the CI database)")
    first = Driver(project_setup, width=120, height=90, objects=1)
    second = Driver(project_setup, like=first)  # the admin, same image, same class
    assert (second.session.image_id, second.session.label_class_id) == (
        first.session.image_id,
        first.session.label_class_id,
    )
    record_click(second.session.id)
    with step_in_progress(first.session.id), lock_timeout(2000):
        [frame] = services.session_advance(session_id=second.session.id).frames
        assert frame["type"] == "mask"
        with pytest.raises(OperationalError, match="lock timeout"):
            with transaction.atomic():  # the first session itself is held until its step ends
                services.session_lock_for_step(session_id=first.session.id)


@pytest.mark.django_db(transaction=True)
def test_a_click_made_while_its_sessions_step_runs_is_recorded_without_waiting_for_the_step(
    project_setup: ProjectSetup,
) -> None:
    """The page's next click is saved and acknowledged at once, and the web process's database
    thread (one for all its pages) is not held for the length of the step's engine."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's (the CI database)")
    driver = Driver(project_setup, width=120, height=90, objects=1)
    with step_in_progress(driver.session.id), lock_timeout(2000):
        event, created = record_click(driver.session.id)
        assert created and InteractionEvent.objects.get(id=event.id).status == EventStatus.PENDING
    [frame] = driver.advance()  # the step after it applies the click
    assert frame["type"] == "mask" and frame["event_id"] == "c1"


def _steps_waiting_at_the_barrier(session_id: int) -> int:
    """Steps waiting for the session's barrier: the two-integer advisory lock (``objsubid`` 2)
    of the step-barrier namespace and the session's key."""
    namespace, key = pg_primitives.barrier_params(session_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND objsubid = 2 AND classid::bigint = %s AND objid::bigint = %s",
            [namespace, key % 2**32],
        )
        return int(cursor.fetchone()[0])


def test_session_ids_fold_into_int4_barrier_keys() -> None:
    assert pg_primitives.barrier_key(7) == 7
    assert pg_primitives.barrier_key(2**31 - 1) == 2**31 - 1
    assert pg_primitives.barrier_key(2**31) == -(2**31)
    assert pg_primitives.barrier_key(2**32 + 7) == 7  # ids 2^32 apart share a key
    assert pg_primitives.barrier_key(2**63 - 1) == -1


@pytest.mark.django_db(transaction=True)
def test_an_advisory_lock_outside_the_barriers_namespace_holds_no_step_back(
    project_setup: ProjectSetup,
) -> None:
    """Another part of the database taking an advisory lock on the session's number (the
    one-bigint form, or another namespace) does not stop its step."""
    if not pg_primitives.has_step_barrier():
        pytest.skip("the step barrier is PostgreSQL's (the CI database)")
    driver = Driver(project_setup, width=120, height=90, objects=1)
    record_click(driver.session.id)
    held, release = threading.Event(), threading.Event()

    def other_user() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                session_id = driver.session.id
                cursor.execute("SELECT pg_advisory_xact_lock(%s::bigint)", [session_id])
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [1, session_id])
                held.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_user)
    thread.start()
    assert held.wait(10)
    try:
        with lock_timeout(2000):
            [frame] = driver.advance()
        assert frame["type"] == "mask" and frame["event_id"] == "c1"
    finally:
        release.set()
        thread.join()


@pytest.mark.django_db(transaction=True)
def test_a_step_started_before_its_clicks_commit_waits_for_it_and_applies_the_click(
    project_setup: ProjectSetup,
) -> None:
    """The click's step is published before the insert's flush to disk; the worker must still
    find the click, not an empty log."""
    if not pg_primitives.has_step_barrier():
        pytest.skip("the step barrier is PostgreSQL's (the CI database)")
    driver = Driver(project_setup, width=120, height=90, objects=1)
    frames: list[dict[str, Any]] = []

    def worker() -> None:
        try:
            frames.extend(services.session_advance(session_id=driver.session.id).frames)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    seen_in_transaction = []

    def start_step() -> None:
        seen_in_transaction.append(connection.in_atomic_block)
        thread.start()
        deadline = time.monotonic() + 10
        while _steps_waiting_at_the_barrier(driver.session.id) == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert thread.is_alive()  # at the barrier, not done with a log that lacks the click

    record_click(driver.session.id, start_step)
    thread.join(10)
    assert seen_in_transaction == [True]
    assert [(f["type"], f["event_id"]) for f in frames] == [("mask", "c1")]


@pytest.mark.django_db(transaction=True)
def test_a_click_made_during_a_step_starts_its_own_step_after_its_commit(project_setup: ProjectSetup) -> None:
    if not pg_primitives.has_step_barrier():
        pytest.skip("the step barrier is PostgreSQL's (the CI database)")
    driver = Driver(project_setup, width=120, height=90, objects=1)
    seen_in_transaction = []
    with step_in_progress(driver.session.id), lock_timeout(2000):
        record_click(driver.session.id, lambda: seen_in_transaction.append(connection.in_atomic_block))
    assert seen_in_transaction == [False]  # the running step holds the barrier: no waiting on it
    [frame] = driver.advance()
    assert frame["type"] == "mask" and frame["event_id"] == "c1"
