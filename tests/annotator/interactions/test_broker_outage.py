"""A broker outage costs no click and applies none twice: a click whose step cannot be started
is stored, acked and answered ``dispatch_failed`` naming it; the page's resend once the broker
is back starts it, and it is applied once. A channel layer that cannot be reached gets the
handshake accepted and the socket closed with 4503, never an HTTP 500.

The outage is a TCP proxy between the app and Redis, cut and restored (``tcp_proxy``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings

from annotator.celery import app as celery_app
from annotator.interactions.models import EventStatus, InteractionEvent
from tests.annotator.interactions.tcp_proxy import TcpProxy, tcp_proxy
from tests.annotator.interactions.wsclient import communicator, open_page, receive_until, session_cookie
from tests.conftest import ProjectSetup
from tests.worker_process import celery_worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_worker_thread_connections"),
]


def event_rows(event_id: str) -> Any:
    return database_sync_to_async(lambda: list(InteractionEvent.objects.filter(client_event_id=event_id)))()


async def frames_for(comm: WebsocketCommunicator, seconds: float) -> list[dict[str, Any]]:
    """Every frame that arrives within ``seconds`` (a receive that times out would stop the app)."""
    frames: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if not await comm.receive_nothing(timeout=0.1):
            frames.append(await comm.receive_json_from())
    return frames


async def outage_and_resend(comm: WebsocketCommunicator, click: dict[str, Any], restore: Any) -> None:
    """Send ``click`` while the broker is away, bring it back (``restore``), resend the click as
    the page does; assert it is applied exactly once."""
    await comm.send_json_to(click)
    error, seen = await receive_until(comm, "error", timeout=30)
    assert error["code"] == "dispatch_failed" and error["event_id"] == click["event_id"]
    assert "cannot reach its workers" in error["detail"]
    acks = [(f["duplicate"], f["status"]) for f in seen if f["type"] == "ack"]
    assert acks == [(False, "pending")]
    assert [row.status for row in await event_rows(click["event_id"])] == [EventStatus.PENDING]
    restore()
    await comm.send_json_to(click)  # the page's resend, after its back-off
    mask, seen = await receive_until(comm, "mask", timeout=30)
    assert mask["event_id"] == click["event_id"] and mask["step"] == 1 and mask["area"] > 0
    assert [f["duplicate"] for f in seen if f["type"] == "ack"] == [True]
    await comm.send_json_to(click)  # once more: answered from the log, not applied again
    later = await frames_for(comm, 3.0)
    assert [(f["type"], f["duplicate"], f["status"]) for f in later] == [("ack", True, "applied")]
    rows = await event_rows(click["event_id"])
    assert [row.status for row in rows] == [EventStatus.APPLIED]


@pytest.mark.usefixtures("eager_tasks", "broker_refuses_once")
async def test_a_click_whose_step_could_not_start_is_applied_once_when_the_page_resends_it(
    project_setup: ProjectSetup,
) -> None:
    comm, session, scene = await open_page(project_setup, seed=3)
    ys, xs = scene.masks[0].nonzero()
    click = {"type": "click", "session_id": session["session_id"], "event_id": "k1", "seq": 1,
             "x": float(xs.mean()), "y": float(ys.mean()), "positive": True}  # fmt: skip
    await outage_and_resend(comm, click, restore=lambda: None)  # the broker refuses once
    await comm.disconnect()


@pytest.fixture
def broker_proxy() -> Iterator[TcpProxy]:
    """This process publishes its tasks to Redis through a proxy (the worker reads Redis
    directly)."""
    url = urlsplit(settings.REDIS_URL)
    previous = celery_app.conf.broker_url
    with tcp_proxy(url.hostname or "127.0.0.1", url.port or 6379) as proxy:
        celery_app.conf.broker_url = urlunsplit(url._replace(netloc=f"127.0.0.1:{proxy.port}"))
        forget_broker_connections()
        yield proxy
    celery_app.conf.broker_url = previous
    forget_broker_connections()


def forget_broker_connections() -> None:
    """Have Celery connect to the broker URL anew (its connection pools are made once)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.needs_redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real Redis) for the Celery worker")
async def test_a_click_made_while_the_broker_is_cut_is_applied_once_after_it_returns(
    project_setup: ProjectSetup, broker_proxy: TcpProxy
) -> None:
    with celery_worker():
        comm, session, scene = await open_page(project_setup, seed=3)
        await receive_until(comm, "ready", timeout=30)
        ys, xs = scene.masks[0].nonzero()
        click = {"type": "click", "session_id": session["session_id"], "event_id": "w1", "seq": 1,
                 "x": float(xs.mean()), "y": float(ys.mean()), "positive": True}  # fmt: skip
        broker_proxy.cut()
        await outage_and_resend(comm, click, restore=broker_proxy.restore)
        await comm.disconnect()


async def test_a_channel_layer_that_cannot_be_reached_closes_the_socket_with_4503(
    project_setup: ProjectSetup, settings: Any
) -> None:
    with tcp_proxy("127.0.0.1", 6379) as proxy:
        proxy.cut()
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [f"redis://127.0.0.1:{proxy.port}/0"]},
            }
        }
        channel_layers.backends.clear()
        cookie = await database_sync_to_async(session_cookie)(project_setup.annotator)
        comm = communicator(project_setup.project.id, cookie)
        connected, _ = await comm.connect(timeout=30)
        assert connected  # not an HTTP 500: the page is told why, in words
        message = await comm.receive_output(timeout=5)
        assert message == {"type": "websocket.close", "code": 4503}


@pytest.mark.needs_redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real Redis) for the Celery worker")
@pytest.mark.usefixtures("transactional_db")
async def test_a_click_resent_while_its_step_runs_is_applied_once(project_setup: ProjectSetup) -> None:
    """Every resend of a pending event starts a step again; the steps after the first find it
    applied (they wait for the session's lock) and answer nothing."""
    with celery_worker():
        comm, session, scene = await open_page(project_setup, seed=3)
        await receive_until(comm, "ready", timeout=30)
        ys, xs = scene.masks[0].nonzero()
        click = {"type": "click", "session_id": session["session_id"], "event_id": "r1", "seq": 1,
                 "x": float(xs.mean()), "y": float(ys.mean()), "positive": True}  # fmt: skip
        for _ in range(3):
            await comm.send_json_to(click)
        frames = await frames_for(comm, 8.0)
        assert [f["event_id"] for f in frames if f["type"] == "mask"] == ["r1"]
        assert [f["duplicate"] for f in frames if f["type"] == "ack"] == [False, True, True]
        assert [row.status for row in await event_rows("r1")] == [EventStatus.APPLIED]
        await comm.disconnect()
