"""A session whose row a step holds for long (its worker stopped or partitioned inside the step)
stalls nobody else: other pages get their pongs and acks, the page's own open answers, and the
worker's other sessions move to a live worker.

The step is played by another connection holding the session's row as a step does
(``FOR NO KEY UPDATE``, in an open transaction), with real Celery workers on Redis beating every
0.3 s and taken for dead after 2 s of silence.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connection

from annotator.interactions.models import EventStatus, InteractionEvent, InteractionSession, Worker
from tests import worker_process
from tests.annotator.interactions.test_worker_affinity import Page, applied_by
from tests.annotator.interactions.wsclient import communicator, open_page, receive_until, session_cookie
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
# What a page may wait for any answer while another session's row is held.
ANSWER_BOUND_SECONDS = 2.0
HELD_SECONDS = 6.0


@pytest.fixture
def workers(transactional_db: None, settings: Any) -> Iterator[dict[str, WorkerProcess]]:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's (the CI database)")
    settings.MASKLOOP_WORKER_TIMEOUT_SECONDS = TIMEOUT_SECONDS
    env = {
        "MASKLOOP_WORKER_HEARTBEAT_SECONDS": "0.3",
        "MASKLOOP_WORKER_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
    }
    with celery_workers(2, extra_env=env) as started:
        deadline = time.monotonic() + 30
        while Worker.objects.count() < 2:
            assert time.monotonic() < deadline, "the workers did not register"
            time.sleep(0.1)
        yield {worker.name: worker for worker in started}


@contextmanager
def step_holds(session_id: int) -> Iterator[None]:
    """A step in progress that does not end: the session's row locked from another connection."""
    table = InteractionSession._meta.db_table
    with psycopg.connect(worker_process.test_database_url()) as held:
        held.execute(f'SELECT id FROM "{table}" WHERE id = %s FOR NO KEY UPDATE', [session_id])
        try:
            yield
        finally:
            held.rollback()


async def answered_within(comm: WebsocketCommunicator, kind: str, bound: float) -> dict[str, Any]:
    started = time.monotonic()
    frame, _ = await receive_until(comm, kind, timeout=bound + HELD_SECONDS)
    waited = time.monotonic() - started
    assert waited < bound, f"the {kind} came after {waited:.1f} s"
    return frame


async def admin_page(setup: ProjectSetup) -> WebsocketCommunicator:
    cookie = await database_sync_to_async(session_cookie)(setup.admin)
    comm = communicator(setup.project.id, cookie)
    assert (await comm.connect())[0]
    await comm.receive_json_from()
    return comm


@database_sync_to_async
def statuses(session_id: int) -> list[str]:
    return list(
        InteractionEvent.objects.filter(session_id=session_id).order_by("id").values_list("status", flat=True)
    )


async def statuses_within(session_id: int, expected: list[str], bound: float) -> bool:
    """Whether the session's events reach ``expected`` within ``bound`` seconds: a step answers
    before its commit (click-path invariant 4)."""
    deadline = time.monotonic() + bound
    while await statuses(session_id) != expected:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def test_a_page_that_opens_a_session_held_by_a_step_stalls_no_other_page(
    project_setup: ProjectSetup, workers: dict[str, WorkerProcess]
) -> None:
    held_page, other_page = await Page.open(project_setup, seed=1), await Page.open(project_setup, seed=2)
    session = await database_sync_to_async(InteractionSession.objects.get)(id=held_page.session_id)
    pinger = await admin_page(project_setup)
    with step_holds(held_page.session_id):
        # The page resyncs: it opens its session again.
        await held_page.comm.send_json_to(
            {"type": "open", "image_id": session.image_id, "class_id": session.label_class_id}
        )
        await pinger.send_json_to({"type": "ping", "t": 7})
        assert (await answered_within(pinger, "pong", ANSWER_BOUND_SECONDS))["t"] == 7
        other_click = await other_page.click()  # acked by ``click``, in time as checked below
        reopened = await answered_within(held_page.comm, "session", ANSWER_BOUND_SECONDS)
        assert reopened["session_id"] == held_page.session_id
        started = time.monotonic()
        held_click = await held_page.click()  # stored and acked while the step holds the session
        assert time.monotonic() - started < ANSWER_BOUND_SECONDS
        await other_page.mask_for(other_click)
        assert await statuses(held_page.session_id) == [EventStatus.PENDING]
    # The step ends: the click stored meanwhile is applied (its answer goes before the commit).
    await held_page.mask_for(held_click, timeout=10 * TIMEOUT_SECONDS)
    assert await statuses_within(held_page.session_id, [EventStatus.APPLIED], TIMEOUT_SECONDS)
    for comm in (held_page.comm, other_page.comm, pinger):
        await comm.disconnect()


async def test_a_frozen_worker_holding_a_session_still_loses_its_other_sessions(
    project_setup: ProjectSetup, workers: dict[str, WorkerProcess]
) -> None:
    pages = [await Page.open(project_setup, seed) for seed in range(3)]
    pinned = [await page.pinned_to() for page in pages]
    frozen = pinned[0]
    stepping, waiting = [page for page, name in zip(pages, pinned, strict=True) if name == frozen][:2]
    [live] = [name for name in workers if name != frozen]
    os.kill(workers[frozen].process.pid, signal.SIGSTOP)
    try:
        with step_holds(stepping.session_id):
            # Sent while the frozen worker still counts as live: both wait in its queue until the
            # live worker's heartbeat re-routes them; the held session's click waits for its step.
            held_click = await stepping.click()
            moved_click = await waiting.click()
            await waiting.mask_for(moved_click, timeout=4 * TIMEOUT_SECONDS)
            assert await waiting.pinned_to() == live
            assert await statuses(stepping.session_id) == [EventStatus.PENDING]
            await stepping.comm.send_json_to({"type": "ping", "t": 1})
            await answered_within(stepping.comm, "pong", ANSWER_BOUND_SECONDS)
        # The step's transaction ends: the session moves too, and its click is applied once.
        await stepping.mask_for(held_click, timeout=10 * TIMEOUT_SECONDS)
        assert await stepping.pinned_to() == live
    finally:
        os.kill(workers[frozen].process.pid, signal.SIGCONT)
    await asyncio.sleep(2 * TIMEOUT_SECONDS)
    assert await statuses(stepping.session_id) == [EventStatus.APPLIED]
    assert await statuses(waiting.session_id) == [EventStatus.APPLIED]
    for page in pages:
        await page.comm.disconnect()


async def big_page(setup: ProjectSetup, seed: int) -> Page:
    """A page on a large photo, whose steps take long enough to stop a worker inside one."""
    comm, session, scene = await open_page(setup, seed, width=1600, height=1200)
    await receive_until(comm, "ready", timeout=30)
    return Page(comm, session["session_id"], scene.masks[0])


@database_sync_to_async
def a_step_is_open() -> bool:
    """Whether a worker's step transaction is open (it holds a row lock, so it has an xid)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'idle in transaction' AND backend_xid IS NOT NULL"
        )
        return bool(cursor.fetchone()[0])


async def test_a_worker_stopped_inside_a_step_stalls_only_that_session_and_commits_nothing_over_others(
    project_setup: ProjectSetup, workers: dict[str, WorkerProcess]
) -> None:
    pages = [await big_page(project_setup, seed) for seed in range(3)]
    pinned = [await page.pinned_to() for page in pages]
    frozen = pinned[0]
    stepping, waiting = [page for page, name in zip(pages, pinned, strict=True) if name == frozen][:2]
    [live] = [name for name in workers if name != frozen]
    pid = workers[frozen].process.pid
    for _ in range(20):  # stop the worker inside a step of ``stepping`` (the engine's time)
        held_click = await stepping.click()
        await asyncio.sleep(0.03)
        os.kill(pid, signal.SIGSTOP)
        if await a_step_is_open():
            break
        os.kill(pid, signal.SIGCONT)
        await stepping.mask_for(held_click)
    else:
        pytest.fail("could not stop the worker inside a step")
    try:
        moved_click = await waiting.click()
        await waiting.mask_for(moved_click, timeout=4 * TIMEOUT_SECONDS)
        assert await applied_by(moved_click) == live
        await stepping.comm.send_json_to({"type": "ping", "t": 1})
        await answered_within(stepping.comm, "pong", ANSWER_BOUND_SECONDS)
        assert (await statuses(stepping.session_id))[-1] == EventStatus.PENDING
    finally:
        os.kill(pid, signal.SIGCONT)
    # The woken worker ends its step: its own click, once; nothing of the moved session.
    await stepping.mask_for(held_click, timeout=10 * TIMEOUT_SECONDS)
    await asyncio.sleep(2 * TIMEOUT_SECONDS)
    assert set(await statuses(stepping.session_id)) == {EventStatus.APPLIED}
    assert await statuses(waiting.session_id) == [EventStatus.APPLIED]
    assert await applied_by(moved_click) == live
    for page in pages:
        await page.comm.disconnect()
