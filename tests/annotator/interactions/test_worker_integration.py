"""The whole live path with a real Celery worker consuming from Redis.

Browser socket -> consumer -> Redis queue -> worker process (engine) -> channels_redis -> socket.
"""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings

from annotator.interactions.models import EventStatus, InteractionEvent
from annotator.serving.prepared import prepared_cache
from tests.annotator.interactions.wsclient import committed_event, open_page, receive_until
from tests.conftest import ProjectSetup
from tests.worker_process import celery_worker

pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_worker_thread_connections"),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real Redis) for the Celery worker"),
]


@pytest.fixture
def worker(transactional_db: None) -> Any:
    with celery_worker() as name:
        yield name


async def test_a_click_is_segmented_by_a_worker_process_and_reaches_the_socket(
    project_setup: ProjectSetup, worker: str
) -> None:
    comm, session, scene = await open_page(project_setup, seed=3)
    ys, xs = scene.masks[0].nonzero()
    misses_here = prepared_cache().misses
    await comm.send_json_to(
        {"type": "click", "session_id": session["session_id"], "event_id": "w1",
         "x": float(xs.mean()), "y": float(ys.mean()), "positive": True}
    )  # fmt: skip
    mask, _ = await receive_until(comm, "mask", timeout=30)
    assert mask["event_id"] == "w1" and mask["area"] > 0.8 * scene.masks[0].sum()
    event = await committed_event("w1")
    assert event.status == EventStatus.APPLIED and event.engine_ms is not None
    # The engine ran in the worker process, not here, and the mask travelled through Redis.
    assert prepared_cache().misses == misses_here
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    await comm.disconnect()


@pytest.mark.usefixtures("broker_refuses_once")
async def test_a_click_whose_step_the_broker_refuses_is_kept_and_runs_with_the_next(
    project_setup: ProjectSetup, worker: str
) -> None:
    """With workers, the consumer publishes a click's step in the call that records it: a
    broker that refuses it costs the page an error frame after the ack, not the click."""
    comm, session, scene = await open_page(project_setup, seed=3)
    ys, xs = scene.masks[0].nonzero()
    inside = {"session_id": session["session_id"], "x": float(xs.mean()), "y": float(ys.mean())}
    await comm.send_json_to({"type": "click", "event_id": "k1", **inside, "positive": True})
    error, seen = await receive_until(comm, "error", timeout=30)
    assert error["code"] == "dispatch_failed" and "saved" in error["detail"]
    assert "ack" in [f["type"] for f in seen]
    kept = await database_sync_to_async(InteractionEvent.objects.get)(client_event_id="k1")
    assert kept.status == EventStatus.PENDING
    await comm.send_json_to({"type": "click", "event_id": "k2", **inside, "positive": False})
    first, _ = await receive_until(comm, "mask", timeout=30)
    second, _ = await receive_until(comm, "mask", timeout=30)
    assert (first["event_id"], second["event_id"]) == ("k1", "k2") and second["step"] == 2
    await comm.disconnect()
