"""Which worker serves a session: heartbeats, pinning to a live worker, re-routing when one dies.

Each worker process registers itself with its own queue and beats every few seconds. A session
is pinned to the least loaded live worker when it opens, and its tasks go to that worker's
queue, where the image embedding and the session state are already in memory. When the pinned
worker goes silent, the next task re-pins the session to another live worker, which rebuilds
the state from the event log. Routing never waits for a lock: the session row is locked for
the whole of a step while a worker applies it, and that worker may be the silent one, stopped
inside its step (its transaction keeps the lock until it wakes or its connection ends). A
session whose row is locked stays pinned where it is until the step ends; its other tasks go to
that worker's queue, and the next heartbeat sweep or task re-pins it once the row is free.
The rules: docs/click-path.md, click-path invariants 7, 9 and 11.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from annotator.interactions.models import (
    EventStatus,
    InteractionEvent,
    InteractionSession,
    SessionState,
    Worker,
)

# Workers silent for this long are forgotten (their sessions were re-pinned long before).
FORGET_AFTER = timedelta(days=1)


def _live_since() -> datetime:
    return timezone.now() - timedelta(seconds=settings.MASKLOOP_WORKER_TIMEOUT_SECONDS)


def worker_heartbeat(*, name: str, queue: str) -> None:
    """Record that the worker is alive and consumes ``queue``."""
    now = timezone.now()
    Worker.objects.update_or_create(name=name, defaults={"queue": queue, "last_seen": now})
    Worker.objects.filter(last_seen__lt=now - FORGET_AFTER).delete()


@dataclass(frozen=True)
class Retired:
    """A retired worker's open sessions, and those of them with events waiting."""

    sessions: list[int]
    waiting: list[int]


def worker_retire(*, name: str) -> Retired:
    """Remove a worker that is shutting down; returns its open sessions and which wait."""
    pinned = InteractionSession.objects.filter(worker__name=name, state=SessionState.OPEN)
    sessions = list(pinned.values_list("id", flat=True))
    waiting = list(pinned.filter(events__status=EventStatus.PENDING).distinct().values_list("id", flat=True))
    Worker.objects.filter(name=name).delete()
    return Retired(sessions=sessions, waiting=waiting)


def least_loaded_worker() -> Worker | None:
    """The live worker with the fewest active sessions pinned to it (ties: by name).

    A session is active while it is open and was pinned, or had an event, within
    ``MASKLOOP_PLACEMENT_ACTIVE_SECONDS``: one that a page left long ago costs its worker
    nothing. A worker that comes back is live again and takes new sessions by the same count;
    the sessions placed elsewhere meanwhile stay there (click-path invariant 9)."""
    active_since = timezone.now() - timedelta(seconds=settings.MASKLOOP_PLACEMENT_ACTIVE_SECONDS)
    recent_event = InteractionEvent.objects.filter(session_id=OuterRef("pk"), created_at__gte=active_since)
    active = InteractionSession.objects.filter(
        Q(pinned_at__gte=active_since) | Exists(recent_event),
        worker_id=OuterRef("pk"),
        state=SessionState.OPEN,
    )
    load = active.order_by().values("worker_id").annotate(count=Count("id")).values("count")
    return (
        Worker.objects.filter(last_seen__gte=_live_since())
        .annotate(load=Coalesce(Subquery(load), 0))
        .order_by("load", "name")
        .first()
    )


def session_route(*, session_id: int) -> str | None:
    """The queue for the session's next task.

    The pinned worker's queue while that worker is live; otherwise the least loaded live
    worker's, and the session is pinned to it from now on; None (the shared queue) when no
    worker is live.
    """
    return _route(session_id)[0]


def session_handover(*, session_id: int) -> tuple[bool, str | None]:
    """Re-pin an orphaned session (``orphaned_sessions``) to a live worker: whether it moved
    (False: a step still holds its row, and its tasks stay on the silent worker's queue for
    now) and the queue for its next task (None: the shared queue)."""
    queue, last_seen = _route(session_id)
    return last_seen is None or last_seen >= _live_since(), queue


def _route(session_id: int) -> tuple[str | None, datetime | None]:
    """``session_route``'s queue, and the worker's last heartbeat (None with no worker)."""
    live_since = _live_since()
    for _ in range(3):
        row = (
            InteractionSession.objects.filter(id=session_id)
            .values("worker_id", "worker__queue", "worker__last_seen")
            .first()
        )
        if row is None:
            return None, None
        if row["worker_id"] is not None and row["worker__last_seen"] >= live_since:
            return str(row["worker__queue"]), row["worker__last_seen"]
        worker = least_loaded_worker()
        if worker is None:
            return None, None
        pinned = _pin(session_id, row["worker_id"], worker)
        if pinned is None:  # a step holds the row: the session stays where it is for now
            if row["worker_id"] is None:
                return None, None
            return str(row["worker__queue"]), row["worker__last_seen"]
        if pinned:
            return worker.queue, worker.last_seen
    return None, None


def _pin(session_id: int, pinned_to: int | None, worker: Worker) -> bool | None:
    """Pin the session to ``worker`` unless someone re-pinned it meanwhile (False: read again and
    follow their choice) or a step holds its row (None), without waiting for that step."""
    with transaction.atomic():
        # SKIP LOCKED: where the row has no lock (SQLite), nothing is skipped.
        free = (
            InteractionSession.objects.select_for_update(skip_locked=True, no_key=True)
            .filter(id=session_id)
            .values_list("worker_id", flat=True)
        )
        current = list(free)
        if not current:
            return None
        if current[0] != pinned_to:
            return False
        InteractionSession.objects.filter(id=session_id).update(worker=worker, pinned_at=timezone.now())
    return True


class RouteMemory:
    """A page's memory of its sessions' queues, so that most clicks need no routing query.

    A queue is remembered for one heartbeat interval at most, and never past the moment its
    worker would count as silent: within that time ``session_route`` would answer the same,
    unless the worker retired, and a retiring worker tells its sessions' pages to ``forget``.
    """

    def __init__(self) -> None:
        self._queues: dict[int, tuple[str, float]] = {}

    def queue(self, session_id: int) -> str | None:
        remembered = self._queues.get(session_id)
        now = time.monotonic()
        if remembered is not None and now < remembered[1]:
            return remembered[0]
        queue, last_seen = _route(session_id)
        if queue is None or last_seen is None:
            self._queues.pop(session_id, None)
            return queue
        live_for = (last_seen - _live_since()).total_seconds()
        self._queues[session_id] = (queue, now + min(live_for, settings.MASKLOOP_WORKER_HEARTBEAT_SECONDS))
        return queue

    def forget(self, session_id: int) -> None:
        self._queues.pop(session_id, None)


def orphaned_sessions() -> list[int]:
    """Open sessions with events waiting that no live worker will take up by itself.

    Those pinned to a worker that went silent, and unpinned ones whose events have waited
    longer than the heartbeat timeout (their worker retired, or none was live at the time).
    """
    live_since = _live_since()
    pending = Q(events__status=EventStatus.PENDING)
    silent = Q(worker__isnull=False, worker__last_seen__lt=live_since)
    stranded = Q(worker__isnull=True, events__created_at__lt=live_since)
    # One filter() call, so both conditions on events refer to the same event.
    return list(
        InteractionSession.objects.filter(pending & (silent | stranded), state=SessionState.OPEN)
        .distinct()
        .values_list("id", flat=True)
    )


def stalled_sessions(*, worker_name: str) -> list[int]:
    """Open sessions pinned to ``worker_name`` (or to no worker) with a pending event that has
    waited ``MASKLOOP_PENDING_RETRY_SECONDS`` and no step running for them now: their step was
    never started (the broker refused it) or was lost. Starting one again is safe: a step applies
    each pending event once, under the session's row lock.

    A session whose row is locked has a step running, and is skipped (where rows have no locks,
    SQLite, none is)."""
    waited_since = timezone.now() - timedelta(seconds=settings.MASKLOOP_PENDING_RETRY_SECONDS)
    waiting = InteractionEvent.objects.filter(status=EventStatus.PENDING, created_at__lt=waited_since)
    mine = Q(worker__isnull=True) | Q(worker_id__in=Worker.objects.filter(name=worker_name).values("id"))
    with transaction.atomic():
        stalled = (
            InteractionSession.objects.select_for_update(skip_locked=True, no_key=True)
            .filter(mine, state=SessionState.OPEN, id__in=waiting.values("session_id"))
            .order_by("id")
            .values_list("id", flat=True)
        )
        return list(stalled)
