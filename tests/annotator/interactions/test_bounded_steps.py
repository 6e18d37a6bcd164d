"""A step applies a bounded number of a session's pending events: a page's burst is applied in
order over several steps, each event once, while other sessions' steps run in between. A
pending event whose step was never started is started by the worker's heartbeat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.utils import timezone

from annotator.interactions import relay, routing, services, tasks, worker_node
from annotator.interactions.models import EventStatus, InteractionEvent, InteractionSession, Worker
from tests.annotator.interactions.driver import Driver
from tests.annotator.interactions.wsclient import open_page
from tests.conftest import ProjectSetup
from tests.worker_process import celery_workers


def with_worker(test: Any) -> Any:
    """A test with real Celery workers on Redis, against the test database."""
    for mark in (
        pytest.mark.needs_redis,
        pytest.mark.django_db(transaction=True),
        pytest.mark.usefixtures("close_worker_thread_connections"),
        pytest.mark.skipif(
            not settings.REDIS_URL, reason="needs REDIS_URL (a real Redis) for Celery workers"
        ),
    ):
        test = mark(test)
    return test


def burst(truth: np.ndarray) -> list[tuple[str, dict[str, Any]]]:
    """Eleven clicks in and around the object, an undo, a redo, then the accept."""
    ys, xs = truth.nonzero()
    height, width = truth.shape
    events: list[tuple[str, dict[str, Any]]] = []
    for index in range(11):
        inside = index % 3 != 2
        pick = (index * 37) % len(xs)
        x, y = (float(xs[pick]), float(ys[pick])) if inside else (float(index), float(height - 1 - index))
        events.append(("click", {"x": x, "y": y, "positive": inside}))
    assert width > 11
    return [*events, ("undo", {}), ("redo", {}), ("accept", {})]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager_tasks")
def test_a_burst_is_applied_in_order_over_bounded_steps_each_event_once(
    project_setup: ProjectSetup, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MASKLOOP_STEP_MAX_EVENTS = 4
    one_by_one = Driver(project_setup, seed=5)
    events = burst(one_by_one.scene.masks[0])
    expected = [one_by_one.send(kind, payload)[0] for kind, payload in events]

    batched = Driver(project_setup, like=one_by_one)
    sent: list[dict[str, Any]] = []
    original = relay.send_to_session
    monkeypatch.setattr(
        relay, "send_to_session", lambda sid, frames: (sent.extend(frames), original(sid, frames))
    )
    monkeypatch.setattr(relay, "send_or_log", lambda sid, frames: sent.extend(frames))
    for index, (kind, payload) in enumerate(events, start=1):
        services.event_record(
            session_id=batched.session.id, client_event_id=f"e{index}", kind=kind, payload=payload, seq=index
        )
    tasks.advance_session.apply(args=(batched.session.id,))

    rows = list(InteractionEvent.objects.filter(session=batched.session).order_by("id"))
    assert [row.status for row in rows] == [EventStatus.APPLIED] * len(events)
    # Each event answered once, in order, as when applied one by one.
    answers = [frame for frame in sent if frame["type"] in ("mask", "accepted")]
    assert [frame["event_id"] for frame in answers] == [f"e{index}" for index in range(1, len(events) + 1)]
    for got, want in zip(answers, expected, strict=True):
        assert (got["type"], got.get("area"), got.get("step")) == (
            want["type"],
            want.get("area"),
            want.get("step"),
        )
    assert [row.result for row in rows[:-1]] == [
        row.result for row in InteractionEvent.objects.filter(session=one_by_one.session).order_by("id")[:13]
    ]
    # Steps of four events at most: one write-back time per step, in log order.
    steps = [row.applied_at for row in rows]
    assert steps == sorted(steps)
    assert [steps.count(moment) for moment in dict.fromkeys(steps)] == [4, 4, 4, 2]


def pin_to_this_worker(session_id: int) -> str:
    """A live worker (this process, beating), with the session pinned to it; returns its name."""
    name = "beating@localhost"
    routing.worker_heartbeat(name=name, queue="maskloop.beating@localhost")
    InteractionSession.objects.filter(id=session_id).update(worker=Worker.objects.get(name=name))
    return name


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager_tasks")
def test_the_heartbeat_starts_the_step_of_a_click_that_was_never_dispatched(
    project_setup: ProjectSetup, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MASKLOOP_PENDING_RETRY_SECONDS = 3.0
    driver = Driver(project_setup, seed=5)
    monkeypatch.setattr(worker_node, "_node", worker_node._Node(name=pin_to_this_worker(driver.session.id)))
    ys, xs = driver.scene.masks[0].nonzero()
    click = {"x": float(xs.mean()), "y": float(ys.mean()), "positive": True}
    # Recorded, acked, its dispatch failed: nothing started its step.
    event, _ = services.event_record(
        session_id=driver.session.id, client_event_id="k1", kind="click", payload=click, seq=1
    )
    worker_node.beat()
    event.refresh_from_db()
    assert event.status == EventStatus.PENDING  # too recent: its step may be on its way
    InteractionEvent.objects.filter(id=event.id).update(created_at=timezone.now() - timedelta(seconds=4))
    worker_node.beat()
    event.refresh_from_db()
    assert event.status == EventStatus.APPLIED and event.result["mask"]
    applied_at = event.applied_at
    worker_node.beat()
    event.refresh_from_db()
    assert event.applied_at == applied_at  # once


async def frames_until(
    comm: WebsocketCommunicator, seen: list[dict[str, Any]], done: Callable[[list[dict[str, Any]]], bool]
) -> list[dict[str, Any]]:
    """Receive the page's frames into ``seen`` until ``done(seen)``."""
    deadline = time.monotonic() + 120
    while not done(seen):
        seen.append(await comm.receive_json_from(timeout=max(0.1, deadline - time.monotonic())))
    return seen


def answered(event_id: str) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda frames: any(f["type"] == "mask" and f["event_id"] == event_id for f in frames)


async def applied_log(count: int) -> list[InteractionEvent]:
    """The event log once its ``count`` events are applied (an answer goes out before its
    step's commit)."""
    deadline = time.monotonic() + 10
    while True:
        rows = await database_sync_to_async(lambda: list(InteractionEvent.objects.order_by("id")))()
        if sum(row.status == EventStatus.APPLIED for row in rows) == count or time.monotonic() > deadline:
            return rows
        await asyncio.sleep(0.1)


@with_worker
async def test_a_flood_leaves_another_session_on_the_worker_answered_before_the_flood_ends(
    project_setup: ProjectSetup, settings: Any
) -> None:
    settings.MASKLOOP_SOCKET_BURST = 1000
    settings.MASKLOOP_SESSION_MODEL_BURST = 1000  # the worker's fairness alone, past the rate limits
    with celery_workers(1, extra_env={"MASKLOOP_STEP_MAX_EVENTS": "3"}):
        flooding, flood_session, flood_scene = await open_page(project_setup, seed=3)
        other, other_session, other_scene = await open_page(project_setup, seed=4)
        ys, xs = flood_scene.masks[0].nonzero()
        count = 40
        for index in range(count):
            pick = (index * 37) % len(xs)
            await flooding.send_json_to(
                {"type": "click", "session_id": flood_session["session_id"], "event_id": f"f{index}",
                 "seq": index + 1, "x": float(xs[pick]), "y": float(ys[pick]), "positive": True}
            )  # fmt: skip
        # Every click recorded and its step sent before the other page's click.
        flood: list[dict[str, Any]] = []
        await frames_until(flooding, flood, lambda frames: sum(f["type"] == "ack" for f in frames) == count)
        oy, ox = other_scene.masks[0].nonzero()
        await other.send_json_to(
            {"type": "click", "session_id": other_session["session_id"], "event_id": "o1", "seq": 1,
             "x": float(ox.mean()), "y": float(oy.mean()), "positive": True}
        )  # fmt: skip
        await asyncio.gather(
            frames_until(flooding, flood, answered(f"f{count - 1}")), frames_until(other, [], answered("o1"))
        )
        masks = [frame["event_id"] for frame in flood if frame["type"] == "mask"]
        assert sorted(masks) == sorted(f"f{index}" for index in range(count))  # each once
        rows = await applied_log(count + 1)
        steps = [row.applied_at for row in rows if row.session_id == flood_session["session_id"]]
        # The other page's step ran, and its answer went out, while the flood was being applied.
        (other_step,) = [row.applied_at for row in rows if row.session_id == other_session["session_id"]]
        assert other_step < steps[-1]
        assert steps == sorted(steps) and len(set(steps)) >= count // 3
        await flooding.disconnect()
        await other.disconnect()


@with_worker
async def test_a_worker_heartbeat_applies_a_click_whose_step_was_never_sent(
    project_setup: ProjectSetup,
) -> None:
    extra = {"MASKLOOP_PENDING_RETRY_SECONDS": "1", "MASKLOOP_WORKER_HEARTBEAT_SECONDS": "0.5"}
    with celery_workers(1, extra_env=extra):
        comm, session, scene = await open_page(project_setup, seed=3)
        ys, xs = scene.masks[0].nonzero()
        click = {"x": float(xs.mean()), "y": float(ys.mean()), "positive": True}
        started = time.monotonic()
        await database_sync_to_async(services.event_record)(
            session_id=session["session_id"], client_event_id="k1", kind="click", payload=click, seq=1
        )
        await frames_until(comm, [], answered("k1"))
        assert time.monotonic() - started < 6
        later = []
        while not await comm.receive_nothing(timeout=3):
            later.append((await comm.receive_json_from())["type"])
        assert "mask" not in later  # applied once
        rows = await database_sync_to_async(
            lambda: list(InteractionEvent.objects.filter(client_event_id="k1"))
        )()
        assert [row.status for row in rows] == [EventStatus.APPLIED]
        await comm.disconnect()
