"""Prepared images: each image's once-per-image state (SAM: its embedding) in this process.

A prepared image comes from this process's cache, else from the shared embedding store, else
from the engine, which then fills both. The cache is bounded by ``MASKLOOP_PREPARED_CACHE_BYTES``
and counts what pipelines add to an image after it was cached (their prepared crops).
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from functools import lru_cache

from django.conf import settings

from annotator.images.models import ImageAsset
from annotator.images.selectors import image_rgb
from annotator.serving.embedding_store import embedding_store
from annotator.serving.engines import engine_for
from inference.engines import Engine, PreparedImage, SharesPreparedImages
from inference.engines.cache import prepared_image_cache
from inference.lru import LRU
from inference.pipelines import PLAIN

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def prepared_cache() -> LRU[Hashable, PreparedImage]:
    return prepared_image_cache(max_bytes=settings.MASKLOOP_PREPARED_CACHE_BYTES)


def prepared_key(engine_name: str, image: ImageAsset, pipeline: str = PLAIN) -> Hashable:
    return (engine_name, pipeline, image.id, image.checksum)


def _prepare(engine: Engine, image: ImageAsset) -> PreparedImage:
    store = embedding_store()
    # An engine wrapped in pipeline stages keeps state of its own: it does not share.
    if store is None or not isinstance(engine, SharesPreparedImages):
        return engine.prepare(image_rgb(image=image))
    shared = store.get(engine.model_id, image.checksum)
    try:
        if shared is not None:
            return engine.prepared_from_bytes(shared)
    except ValueError:
        logger.warning("unusable embedding in the store for image %s; computing it again", image.id)
    prepared = engine.prepare(image_rgb(image=image))
    store.put(engine.model_id, image.checksum, engine.prepared_to_bytes(prepared))
    return prepared


def prepared_for(engine_name: str, image: ImageAsset, pipeline: str = PLAIN) -> PreparedImage:
    """The engine's once-per-image state, from this process, the shared store, or computed now."""
    engine = engine_for(engine_name, pipeline)
    return prepared_cache().get_or_create(
        prepared_key(engine_name, image, pipeline), lambda: _prepare(engine, image)
    )
