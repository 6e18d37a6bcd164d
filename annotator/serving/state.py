"""Forgetting this process's model state at once, as a fresh worker starts (tests use it)."""

from __future__ import annotations

from annotator.serving import decoders, embedding_store, engines, prepared, sessions

# The process's own caches, taken now: whatever a test puts in their place meanwhile.
_CACHES = (engines.engine_for, engines.base_engine, prepared.prepared_cache, embedding_store.embedding_store)


def forget_all() -> None:
    """Drop the engines, prepared images, the store's client, live sessions and decoders."""
    for cached in _CACHES:
        cached.cache_clear()
    sessions.live_sessions.clear()
    decoders.class_decoders.clear()
    decoders.session_copies.clear()
