"""The cache of prepared images: least recently used first out, bounded by the bytes they hold."""

from __future__ import annotations

from collections.abc import Hashable

from inference.engines.base import PreparedImage
from inference.lru import LRU


def prepared_image_cache(max_bytes: int) -> LRU[Hashable, PreparedImage]:
    """Prepared images until their total ``nbytes`` would exceed ``max_bytes``; an image that
    grew since it was cached (the crop and focus pipelines add prepared crops to it) is counted
    at its new size (``inference.lru``)."""
    return LRU(max_bytes=max_bytes, size=prepared_nbytes)


def prepared_nbytes(prepared: PreparedImage) -> int:
    """The size function of caches of prepared images."""
    return prepared.nbytes
