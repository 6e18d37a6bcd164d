"""Which worker serves a session: heartbeats, pinning to a live worker, re-routing when one dies.

Each worker process registers itself with its own queue and beats every few seconds. A session
is pinned to the least loaded live worker when it opens, and its tasks go to that worker's
queue, where the image embedding and the session state are already in memory. When the pinned
worker goes silent, the next task re-pins the session to another live worker, which rebuilds
the state from the event log. No locks are taken here: the session row is locked for the whole
of a step while a worker applies it, and routing must not wait for that.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from annotator.interactions.models import EventStatus, InteractionSession, SessionState, Worker

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
    """The live worker with the fewest active sessions pinned to it (ties: by name)."""
    active_since = timezone.now() - timedelta(seconds=settings.MASKLOOP_WORKER_ACTIVE_SECONDS)
    active = Q(sessions__state=SessionState.OPEN, sessions__pinned_at__gte=active_since)
    return (
        Worker.objects.filter(last_seen__gte=_live_since())
        .annotate(load=Count("sessions", filter=active))
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
        # Pin only if nobody re-pinned it meanwhile; otherwise read again and follow their choice.
        pinned = InteractionSession.objects.filter(id=session_id, worker_id=row["worker_id"]).update(
            worker=worker, pinned_at=timezone.now()
        )
        if pinned:
            return worker.queue, worker.last_seen
    return None, None


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
