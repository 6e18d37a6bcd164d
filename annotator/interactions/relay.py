"""Messages from workers to the pages watching a session, through the channel layer."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def session_group(session_id: int) -> str:
    return f"session.{session_id}"


async def _send_all(group: str, messages: list[dict[str, Any]]) -> None:
    layer = get_channel_layer()
    assert layer is not None, "CHANNEL_LAYERS is not configured"
    for message in messages:
        await layer.group_send(group, {"type": "session.message", "payload": message})


def send_to_session(session_id: int, messages: list[dict[str, Any]]) -> None:
    """Send frames to every socket that opened the session (call after the commit)."""
    if messages:
        async_to_sync(_send_all)(session_group(session_id), messages)
