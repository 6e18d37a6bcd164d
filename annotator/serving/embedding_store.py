"""Image embeddings shared between workers through Redis, so one encoder pass serves them all.

Only engines whose prepared images travel as bytes (SAM) use it; GrabCut's working copy is
cheaper to recompute than to fetch. Disabled unless ``MASKLOOP_EMBEDDING_REDIS_URL`` is set.
A store that cannot be reached is skipped (the worker computes the embedding itself) and logged.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

PREFIX = "maskloop:embedding:"


class EmbeddingStore:
    def __init__(self, url: str, ttl_seconds: int) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        self.ttl_seconds = ttl_seconds

    @staticmethod
    def key(model_id: str, image_checksum: str) -> str:
        return f"{PREFIX}{model_id}:{image_checksum}"

    def get(self, model_id: str, image_checksum: str) -> bytes | None:
        try:
            found = self.client.get(self.key(model_id, image_checksum))
        except redis.RedisError:
            logger.warning("embedding store unreachable; computing the embedding here", exc_info=True)
            return None
        return found if isinstance(found, bytes) else None

    def put(self, model_id: str, image_checksum: str, data: bytes) -> None:
        try:
            self.client.set(self.key(model_id, image_checksum), data, ex=self.ttl_seconds)
        except redis.RedisError:
            logger.warning("embedding store unreachable; the embedding stays on this worker", exc_info=True)


@lru_cache(maxsize=1)
def embedding_store() -> EmbeddingStore | None:
    url = settings.MASKLOOP_EMBEDDING_REDIS_URL
    return EmbeddingStore(url, settings.MASKLOOP_EMBEDDING_TTL_SECONDS) if url else None
