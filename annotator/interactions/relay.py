"""Messages from workers to the pages watching a session, through the channel layer.

Workers are synchronous (Celery). Rather than ``async_to_sync`` per message, which starts an
event loop and a new channel-layer connection each time, the relay keeps one event loop in a
background thread per process, so channels_redis reuses its connection from click to click.
The in-memory layer (embedded mode: tasks run inside the web process) only works on the web
process's own loop, so there the relay uses ``async_to_sync``.

The channel layer may drop a frame; the page covers it by resyncing (click-path invariants 4
and 6, docs/click-path.md).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)

_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


def session_group(session_id: int) -> str:
    return f"session.{session_id}"


async def _send_all(group: str, messages: list[dict[str, Any]]) -> None:
    layer = get_channel_layer()
    assert layer is not None, "CHANNEL_LAYERS is not configured"
    for message in messages:
        await layer.group_send(group, message)


def _relay_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _loop_lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="relay-loop", daemon=True).start()
            _loop = loop
        return _loop


def send_to_session(session_id: int, messages: list[dict[str, Any]], *, timeout: float = 10.0) -> None:
    """Send frames to every socket that opened the session (call after the commit)."""
    if messages:
        _send(session_id, [{"type": "session.message", "payload": m} for m in messages], timeout)


def send_or_log(session_id: int, messages: list[dict[str, Any]]) -> None:
    """``send_to_session`` where a frame that cannot be sent must not stop the caller (a step
    before its commit): the failure is logged, and a page whose event stays unanswered asks for
    its session's state again (its resync, docs/protocol.md)."""
    try:
        send_to_session(session_id, messages)
    except Exception:
        logger.exception("could not relay %d frame(s) of session %s", len(messages), session_id)


def forget_routes(session_ids: list[int], *, timeout: float = 10.0) -> None:
    """Have the sockets of these sessions look up their worker again on their next click."""
    for session_id in session_ids:
        _send(session_id, [{"type": "session.rerouted", "session_id": session_id}], timeout)


def _send(session_id: int, messages: list[dict[str, Any]], timeout: float) -> None:
    group = session_group(session_id)
    if isinstance(get_channel_layer(), InMemoryChannelLayer):
        async_to_sync(_send_all)(group, messages)
        return
    asyncio.run_coroutine_threadsafe(_send_all(group, messages), _relay_loop()).result(timeout)
