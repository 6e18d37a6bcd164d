"""The worker's memory of live sessions: undo history, decoded current mask and the image row.

An entry is valid only while the session's last handled event (applied or rejected) is still
the one it was built from; any other worker handling a step in between makes it stale, and the
state is rebuilt from the event log in PostgreSQL. Entries are bounded in number (LRU).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotator.images.models import ImageAsset
from annotator.serving.history import SessionHistory
from inference.lru import LRU

MAX_SESSIONS = 256


@dataclass
class LiveState:
    """A session's state while events are applied: history, the (H, W) bool current mask, and
    the session's image (kept with it: images never change once uploaded)."""

    history: SessionHistory
    mask: np.ndarray
    image: ImageAsset


@dataclass(frozen=True)
class _Entry:
    last_event_id: int
    history: SessionHistory
    mask: np.ndarray
    image: ImageAsset


class SessionCache:
    def __init__(self, max_sessions: int) -> None:
        self.max_sessions = max_sessions
        self._entries: LRU[int, _Entry] = LRU(max_entries=max_sessions)

    def last_event_id(self, session_id: int) -> int | None:
        """The last handled event the session's entry was built up to (None: no entry)."""
        entry = self._entries.peek(session_id)
        return None if entry is None else entry.last_event_id

    def get(self, session_id: int, last_event_id: int) -> LiveState | None:
        """A copy of the cached state if it was built up to ``last_event_id``, else None."""
        entry = self._entries.peek(session_id)
        if entry is None or entry.last_event_id != last_event_id:
            return None
        self._entries.get(session_id)  # now the most recent
        history = SessionHistory(steps=list(entry.history.steps), cursor=entry.history.cursor)
        return LiveState(history=history, mask=entry.mask, image=entry.image)

    def put(self, session_id: int, last_event_id: int, state: LiveState) -> None:
        entry = _Entry(
            last_event_id=last_event_id,
            history=SessionHistory(steps=list(state.history.steps), cursor=state.history.cursor),
            mask=state.mask,
            image=state.image,
        )
        self._entries.put(session_id, entry)

    def discard(self, session_id: int) -> None:
        self._entries.pop(session_id)

    def clear(self) -> None:
        self._entries.clear()


# This process's live sessions.
live_sessions = SessionCache(max_sessions=MAX_SESSIONS)
