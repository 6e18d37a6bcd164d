"""Where a fault should land: the worker serving the most sessions, the worker a session is on,
and the moment one of a worker's steps holds a session (to freeze the worker inside it)."""

from __future__ import annotations

import time

from benchmarks.app_stack import Stack


def busiest_worker(stack: Stack) -> tuple[str, set[int]]:
    """The live worker serving the most open sessions, and those sessions."""
    from django.db.models import Count

    from annotator.interactions.models import InteractionSession, SessionState

    counts = (
        InteractionSession.objects.filter(state=SessionState.OPEN, worker__name__in=list(stack.workers))
        .values("worker__name")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    name = counts[0]["worker__name"] if counts else next(iter(stack.workers))
    sessions = set(
        InteractionSession.objects.filter(state=SessionState.OPEN, worker__name=name).values_list(
            "id", flat=True
        )
    )
    return name, sessions


def worker_of(session_id: int) -> tuple[str, set[int]]:
    """The worker a session is pinned to, and that worker's open sessions."""
    from annotator.interactions.models import InteractionSession, SessionState

    name = InteractionSession.objects.values_list("worker__name", flat=True).get(id=session_id)
    sessions = InteractionSession.objects.filter(state=SessionState.OPEN, worker__name=name)
    return str(name), set(sessions.exclude(id=session_id).values_list("id", flat=True))


def sessions_in_step(worker: str) -> set[int]:
    """The worker's open sessions whose row a step holds locked now."""
    from django.db import transaction

    from annotator.interactions.models import InteractionSession, SessionState

    mine = InteractionSession.objects.filter(state=SessionState.OPEN, worker__name=worker)
    with transaction.atomic():
        free = set(mine.select_for_update(skip_locked=True, no_key=True).values_list("id", flat=True))
    return set(mine.values_list("id", flat=True)) - free


def freeze_inside_step(stack: Stack, worker: str, patience: float = 20.0) -> bool:
    """SIGSTOP the worker the moment one of its steps holds a session (within ``patience``
    seconds, else at once); True when a step's lock is still held after the freeze."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline and not sessions_in_step(worker):
        time.sleep(0.002)
    stack.freeze(worker)
    return bool(sessions_in_step(worker))
