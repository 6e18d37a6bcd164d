"""Session affinity with real worker processes: pinning, and re-routing when a worker dies.

Two Celery workers consume from Redis against the test database, beating every 0.3 s and
taken for dead after 2 s of silence (a minute for the patient ones). A worker is frozen with
SIGSTOP (it stops answering but still holds what it had taken) or stopped with SIGTERM (it
retires).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from annotator.interactions.models import EventStatus, InteractionEvent, InteractionSession, Worker
from tests.annotator.interactions.wsclient import committed_event, open_page, receive_until
from tests.conftest import ProjectSetup
from tests.worker_process import WorkerProcess, celery_workers

pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_worker_thread_connections"),
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="needs REDIS_URL (a real Redis) for the Celery workers"
    ),
]

TIMEOUT_SECONDS = 2.0
PATIENT_TIMEOUT_SECONDS = 60.0
FAST_HEARTBEAT = {
    "MASKLOOP_WORKER_HEARTBEAT_SECONDS": "0.3",
    "MASKLOOP_WORKER_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
}


def _started(timeout_seconds: float, settings: Any) -> Iterator[dict[str, WorkerProcess]]:
    settings.MASKLOOP_WORKER_TIMEOUT_SECONDS = timeout_seconds
    extra_env = {**FAST_HEARTBEAT, "MASKLOOP_WORKER_TIMEOUT_SECONDS": str(timeout_seconds)}
    with celery_workers(2, extra_env=extra_env) as started:
        deadline = time.monotonic() + 30
        while Worker.objects.count() < 2:
            assert time.monotonic() < deadline, "the workers did not register"
            time.sleep(0.1)
        yield {worker.name: worker for worker in started}


@pytest.fixture
def workers(transactional_db: None, settings: Any) -> Iterator[dict[str, WorkerProcess]]:
    yield from _started(TIMEOUT_SECONDS, settings)


@pytest.fixture
def patient_workers(transactional_db: None, settings: Any) -> Iterator[dict[str, WorkerProcess]]:
    """Workers taken for dead only after a minute of silence: whatever is served sooner was
    not rescued by the others' heartbeat."""
    yield from _started(PATIENT_TIMEOUT_SECONDS, settings)


class Page:
    """One annotation page with one session open."""

    def __init__(self, comm: WebsocketCommunicator, session_id: int, truth: Any) -> None:
        self.comm, self.session_id, self.truth, self.count = comm, session_id, truth, 0

    @classmethod
    async def open(cls, setup: ProjectSetup, seed: int) -> Page:
        comm, session, scene = await open_page(setup, seed)
        await receive_until(comm, "ready", timeout=30)
        return cls(comm, session["session_id"], scene.masks[0])

    async def send(self, kind: str, **fields: Any) -> str:
        self.count += 1
        event_id = f"s{self.session_id}e{self.count}"
        await self.comm.send_json_to(
            {"type": kind, "session_id": self.session_id, "event_id": event_id, **fields}
        )
        ack, _ = await receive_until(self.comm, "ack")
        assert ack["event_id"] == event_id and not ack["duplicate"]
        return event_id

    async def click(self) -> str:
        ys, xs = self.truth.nonzero()
        return await self.send("click", x=float(xs.mean()) + self.count, y=float(ys.mean()), positive=True)

    async def mask_for(self, event_id: str, timeout: float = 20) -> dict[str, Any]:
        frame, _ = await receive_until(self.comm, "mask", timeout=timeout)
        assert frame["event_id"] == event_id
        return frame

    async def pinned_to(self) -> str:
        session = await database_sync_to_async(InteractionSession.objects.select_related("worker").get)(
            id=self.session_id
        )
        return session.worker.name


async def applied_by(event_id: str) -> str:
    """The worker that applied the event, once the step that answered it has committed."""
    event = await committed_event(event_id)
    assert event.status == EventStatus.APPLIED
    return event.applied_by


async def test_sessions_are_spread_over_the_workers_and_served_by_the_one_they_are_pinned_to(
    project_setup: ProjectSetup, workers: dict[str, WorkerProcess]
) -> None:
    pages = [await Page.open(project_setup, seed) for seed in range(2)]
    pinned = [await page.pinned_to() for page in pages]
    assert sorted(pinned) == sorted(workers)
    for page, worker in zip(pages, pinned, strict=True):
        for _ in range(2):
            event_id = await page.click()
            await page.mask_for(event_id)
            assert await applied_by(event_id) == worker
        await page.comm.disconnect()


async def test_a_frozen_worker_loses_its_session_and_no_click_is_lost_or_applied_twice(
    project_setup: ProjectSetup, workers: dict[str, WorkerProcess]
) -> None:
    page = await Page.open(project_setup, seed=4)
    frozen = await page.pinned_to()
    [other] = [name for name in workers if name != frozen]
    first = await page.click()
    first_mask = await page.mask_for(first)
    assert await applied_by(first) == frozen

    os.kill(workers[frozen].process.pid, signal.SIGSTOP)
    try:
        # Sent while the frozen worker still counts as live: its task waits in that worker's
        # queue until the others' heartbeat sees the silence and re-routes the session.
        second = await page.click()
        second_mask = await page.mask_for(second, timeout=10 * TIMEOUT_SECONDS)
        assert await applied_by(second) == other
        # Rebuilt from PostgreSQL: the first click is still part of the prompt.
        assert len(second_mask["clicks"]) == 2 and second_mask["step"] == 2
        third = await page.click()
        await page.mask_for(third)
        assert await applied_by(third) == other
        assert await page.pinned_to() == other
    finally:
        os.kill(workers[frozen].process.pid, signal.SIGCONT)

    # The thawed worker runs the task it had been given; it finds nothing left to apply.
    await asyncio.sleep(3 * TIMEOUT_SECONDS)
    assert await page.comm.receive_nothing(timeout=0.5)
    statuses = await database_sync_to_async(
        lambda: sorted(
            InteractionEvent.objects.filter(session_id=page.session_id).values_list("status", flat=True)
        )
    )()
    assert statuses == [EventStatus.APPLIED] * 3
    # Undo goes back exactly to the second step's mask, computed by the other worker.
    undo = await page.send("undo")
    undone = await page.mask_for(undo)
    assert undone["area"] == second_mask["area"] and undone["step"] == 2
    assert first_mask["step"] == 1
    await page.comm.disconnect()


async def test_a_worker_that_shuts_down_hands_its_session_over(
    project_setup: ProjectSetup, patient_workers: dict[str, WorkerProcess]
) -> None:
    workers = patient_workers
    page = await Page.open(project_setup, seed=5)
    leaving = await page.pinned_to()
    [other] = [name for name in workers if name != leaving]
    first = await page.click()
    await page.mask_for(first)
    workers[leaving].process.terminate()
    await sync_to_async(workers[leaving].process.wait)(timeout=30)
    assert not await database_sync_to_async(Worker.objects.filter(name=leaving).exists)()
    # The page remembered the leaving worker's queue; the worker told it to look again, so the
    # click goes to the other one at once, not after the heartbeat timeout.
    second = await page.click()
    await page.mask_for(second, timeout=PATIENT_TIMEOUT_SECONDS / 3)
    assert await applied_by(second) == other
    assert await page.pinned_to() == other
    await page.comm.disconnect()
