"""The click's written-out statements load and write rows exactly as the ORM does."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Model
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotator.annotations.models import Annotation
from annotator.interactions import pg_primitives, services, step_queries
from annotator.interactions.models import EventStatus, InteractionEvent, InteractionSession
from tests.annotator.interactions.driver import Driver
from tests.conftest import ProjectSetup

pytestmark = pytest.mark.django_db


def fields(instance: Model) -> dict[str, Any]:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_the_step_reads_a_session_and_its_events_as_the_orm_loads_them(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup, width=200, height=150, objects=2, seed=1)
    driver.robot_click(driver.scene.masks[0])
    driver.robot_click(driver.scene.masks[0])
    services.event_record(
        session_id=driver.session.id, client_event_id="p", kind="undo", payload={}, seq=3
    )  # still pending
    with transaction.atomic():
        locked = step_queries.session_lock(driver.session.id)
    assert fields(locked) == fields(InteractionSession.objects.get(id=driver.session.id))
    events = list(InteractionEvent.objects.filter(session_id=driver.session.id).order_by("id"))
    second = events[1].id
    read = step_queries.events_pending_or_from(driver.session.id, second)
    assert [fields(event) for event in read] == [fields(event) for event in events[1:]]
    assert isinstance(read[0].payload, dict) and isinstance(read[0].result, dict)
    assert read[0].applied_at is not None and timezone.is_aware(read[0].applied_at)
    assert [event.status for event in read] == [EventStatus.APPLIED, EventStatus.PENDING]


def test_applied_events_are_written_back_as_the_orm_would_save_them(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup, width=200, height=150, objects=1, seed=1)
    services.event_record(
        session_id=driver.session.id,
        client_event_id="c",
        kind="click",
        payload={"x": 3, "y": 4, "positive": True},
        seq=1,
    )
    [event] = list(InteractionEvent.objects.filter(session_id=driver.session.id))
    event.status = EventStatus.APPLIED
    event.result = {"mask": {"size": [150, 200], "counts": "PX`0"}, "note": "ünïcode"}
    event.engine_ms = 12.5
    now = timezone.now()
    with transaction.atomic():
        step_queries.events_mark_applied([event], applied_at=now, worker="w1@host")
    saved = InteractionEvent.objects.get(id=event.id)
    assert (saved.status, saved.result, saved.engine_ms) == (EventStatus.APPLIED, event.result, 12.5)
    assert (saved.applied_at, saved.applied_by) == (now, "w1@host")
    assert saved.payload == {"x": 3, "y": 4, "positive": True}  # not written, not touched


def test_an_event_is_inserted_as_the_orm_creates_one_and_a_duplicate_adds_nothing(
    project_setup: ProjectSetup,
) -> None:
    driver = Driver(project_setup, width=200, height=150, objects=1, seed=1)
    payload = {"x": 3.5, "y": 4, "positive": True, "note": "ünïcode"}
    before = timezone.now()
    event, created = services.event_record(
        session_id=driver.session.id, client_event_id="c1", kind="click", payload=payload, seq=7
    )
    assert created and event.pk is not None and not event._state.adding
    made_by_orm = InteractionEvent.objects.create(
        session_id=driver.session.id, client_event_id="c2", kind="click", payload=payload, seq=7
    )
    saved = InteractionEvent.objects.get(id=event.pk)
    assert fields(saved) == fields(event)
    differ = {"id", "client_event_id", "created_at"}
    assert {k: v for k, v in fields(saved).items() if k not in differ} == {
        k: v for k, v in fields(made_by_orm).items() if k not in differ
    }
    assert saved.status == EventStatus.PENDING and before <= saved.created_at <= timezone.now()
    # The page sends the click again (a reconnect, say): one event, reported as not created.
    with transaction.atomic():  # inside a caller's transaction, which stays usable
        again, created = services.event_record(
            session_id=driver.session.id, client_event_id="c1", kind="click", payload={}, seq=8
        )
        assert not created and again.pk == event.pk and again.payload == payload
        assert InteractionEvent.objects.filter(session_id=driver.session.id).count() == 2


def test_clicks_recorded_while_the_worker_was_busy_are_applied_in_one_step_in_order(
    project_setup: ProjectSetup,
) -> None:
    driver = Driver(project_setup, width=200, height=150, objects=2, seed=1)
    for i, truth in enumerate(driver.scene.masks):
        ys, xs = truth.nonzero()
        payload = {"x": float(xs[len(xs) // 2]), "y": float(ys[len(ys) // 2]), "positive": True}
        services.event_record(
            session_id=driver.session.id, client_event_id=f"c{i}", kind="click", payload=payload, seq=i
        )
    frames = driver.advance()
    assert [(f["type"], f["event_id"]) for f in frames] == [("mask", "c0"), ("mask", "c1")]
    saved = list(InteractionEvent.objects.filter(session_id=driver.session.id).order_by("id"))
    assert [e.status for e in saved] == [EventStatus.APPLIED, EventStatus.APPLIED]
    assert all(e.result is not None and e.applied_at is not None for e in saved)
    assert driver.mask[driver.scene.masks[0]].mean() > 0.5 and driver.mask[driver.scene.masks[1]].mean() > 0.5


def _step_sql(step: Any) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        step()
    return [query["sql"] for query in captured.captured_queries]


def test_a_click_step_commits_without_waiting_for_the_disk_and_an_accept_waits(
    project_setup: ProjectSetup,
) -> None:
    """A click's step can be run again from the log; an accept's annotation cannot."""
    driver = Driver(project_setup, width=200, height=150, objects=1, seed=1)
    click_step = _step_sql(lambda: driver.robot_click(driver.scene.masks[0]))
    accept_step = _step_sql(lambda: driver.send("accept"))
    unflushed = "SET LOCAL synchronous_commit TO OFF"
    assert (unflushed in click_step) == (connection.vendor == "postgresql")
    assert unflushed not in accept_step
    assert Annotation.objects.filter(source_session=driver.session).count() == 1


@pytest.mark.django_db(transaction=True)  # outside the test's own transaction
def test_locking_a_session_needs_a_transaction_and_a_session(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup, width=200, height=150, objects=1, seed=1)
    with pytest.raises(TransactionManagementError):
        step_queries.session_lock(driver.session.id)
    with transaction.atomic(), pytest.raises(InteractionSession.DoesNotExist):
        step_queries.session_lock(driver.session.id + 1000)
    with pytest.raises(TransactionManagementError):
        pg_primitives.commit_without_flush()
