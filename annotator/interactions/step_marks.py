"""Which sessions have a step queued that no worker has started: a key in Redis per session,
set when the step is sent and deleted when it starts (``tasks.send_advance``).

A key lives ``MASKLOOP_WORKER_TIMEOUT_SECONDS`` at most, so a step lost with its worker holds
back the next ones no longer than the hand-over of its sessions. Where Redis does not answer,
every step is sent (``mark`` says True): a step too many finds nothing to apply
(click-path invariant 10, docs/click-path.md)."""

from __future__ import annotations

import functools
import logging
from typing import Any

import redis
from django.conf import settings

logger = logging.getLogger(__name__)


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)


def _key(session_id: int) -> str:
    layer: dict[str, Any] = settings.CHANNEL_LAYERS["default"]  # the channel layer's key prefix
    return f"{layer.get('CONFIG', {}).get('prefix', 'maskloop')}:step-queued:{session_id}"


def mark(session_id: int) -> bool:
    """Record that a step of the session is being queued; False where one is queued already."""
    if not settings.REDIS_URL:
        return True
    try:
        ttl = max(1, round(settings.MASKLOOP_WORKER_TIMEOUT_SECONDS))
        return bool(_client(settings.REDIS_URL).set(_key(session_id), 1, nx=True, ex=ttl))
    except redis.RedisError:
        logger.warning("could not mark session %s's step as queued; sending it anyway", session_id)
        return True


def clear(session_id: int) -> None:
    """Record that the session's queued step started (or was never queued)."""
    if not settings.REDIS_URL:
        return
    try:
        _client(settings.REDIS_URL).delete(_key(session_id))
    except redis.RedisError:
        logger.warning("could not clear session %s's queued step", session_id)
