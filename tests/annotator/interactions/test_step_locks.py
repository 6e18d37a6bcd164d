"""A step locks its own session only: other annotators' steps on the same image and class go on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, transaction

from annotator.interactions import services
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
    services.event_record(
        session_id=second.session.id,
        client_event_id="b1",
        kind="click",
        payload={"x": 60.0, "y": 45.0, "positive": True},
        seq=1,
    )
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
    payload = {"x": 60.0, "y": 45.0, "positive": True}
    with step_in_progress(driver.session.id), lock_timeout(2000):
        event, created = services.event_record(
            session_id=driver.session.id, client_event_id="c1", kind="click", payload=payload, seq=1
        )
        assert created and InteractionEvent.objects.get(id=event.id).status == EventStatus.PENDING
    [frame] = driver.advance()  # the step after it applies the click
    assert frame["type"] == "mask" and frame["event_id"] == "c1"
