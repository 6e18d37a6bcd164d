"""Writes to interaction sessions: open, record events, apply them in order (one event's step:
``steps``). Their concurrency rules: docs/click-path.md."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.models import User
from django.db import OperationalError, transaction
from django.utils import timezone

from annotator.common.errors import InvalidInput
from annotator.images.models import ImageAsset
from annotator.interactions import pg_primitives, step_queries
from annotator.interactions.models import (
    EventKind,
    EventStatus,
    InteractionEvent,
    InteractionSession,
    SessionState,
)
from annotator.interactions.selectors import history_of, session_history
from annotator.interactions.signals import session_ended, sessions_left
from annotator.interactions.steps import Notify, apply_event, empty_mask
from annotator.projects.engines import engine_in_use
from annotator.projects.models import LabelClass
from annotator.serving.sessions import LiveState, live_sessions
from inference.masks import rle

logger = logging.getLogger(__name__)

# The longest a page's open waits for a running step of its session to commit (a step takes
# tens of milliseconds; one that holds the row longer runs on a worker that does not answer).
OPEN_LOCK_TIMEOUT_MS = 1000
# The last handled event of a session that has handled none yet (event ids start at 1).
NO_EVENT = 0


@transaction.atomic
def session_open(*, user: User, image: ImageAsset, label_class: LabelClass) -> InteractionSession:
    """Resume the user's open session on this image, or start one.

    The class selector applies to the object being outlined, so a resumed session takes
    the requested class.

    The open waits for a running step of the session to commit (``OPEN_LOCK_TIMEOUT_MS`` at
    most; click-path invariant 7), so the page gets the state with the step whose answer it may
    already have. A step that holds the session longer runs on a worker that does not answer
    (stopped, partitioned): the open then does not wait for it, so that the web process's
    database thread, which every page's frames pass through, never stays blocked on one session.
    It answers from the last committed state, keeps the session's class, and logs a warning; the
    page's clicks are stored and acked meanwhile, and applied once the step's worker commits or
    its transaction ends.
    """
    if label_class.project_id != image.project_id:
        raise InvalidInput("The class belongs to another project.", code="unknown_class")
    mine = InteractionSession.objects.filter(user_id=user.pk, image=image, state=SessionState.OPEN).order_by(
        "-id"
    )
    try:
        with transaction.atomic():
            pg_primitives.bound_lock_waits(OPEN_LOCK_TIMEOUT_MS)
            session = mine.select_for_update().first()
    except OperationalError as error:
        if not pg_primitives.lock_not_available(error):
            raise
        session = mine.first()
        if session is not None:
            logger.warning(
                "session %s: a step holds it for over %s ms; opened from its last committed state",
                session.id,
                OPEN_LOCK_TIMEOUT_MS,
            )
            return session
    if session is None:
        return InteractionSession.objects.create(
            project_id=image.project_id,
            image=image,
            label_class=label_class,
            user=user,
            engine=engine_in_use(image.project.engine).engine,
            pipeline=image.project.pipeline,
        )
    if session.label_class_id != label_class.id:
        session.label_class = label_class
        session.save(update_fields=["label_class", "updated_at"])
    return session


def event_record(
    *,
    session_id: int,
    client_event_id: str,
    kind: str,
    payload: dict[str, Any],
    seq: int | None,
    start_step: Callable[[], None] | None = None,
) -> tuple[InteractionEvent, bool]:
    """Append an event to the session's log; returns (event, created).

    The same ``client_event_id`` twice in a session is one event: the second call returns
    the first event and ``created=False``, and nothing is applied again.

    ``start_step`` (it must not raise) starts the new event's step on a worker. Where the
    database has the step barrier (``pg_primitives.has_step_barrier``) and no step of the session
    is running, it runs before the insert's commit: the step waits for that commit, so the
    commit's flush to disk overlaps the step's way to its worker. Otherwise it runs after it
    (click-path invariants 1 and 2, docs/click-path.md).
    """
    event = InteractionEvent(
        session_id=session_id, client_event_id=client_event_id, kind=kind, payload=payload, seq=seq
    )
    if start_step is not None and pg_primitives.has_step_barrier():
        with transaction.atomic():
            inserted = step_queries.event_insert(event, hold_steps=True)
            if inserted.holds_steps:
                start_step()
    else:
        # Outside a transaction the INSERT commits by itself: no BEGIN and COMMIT round trips.
        inserted = step_queries.event_insert(event)
    if not inserted.created:
        return InteractionEvent.objects.get(session_id=session_id, client_event_id=client_event_id), False
    if start_step is not None and not inserted.holds_steps:
        start_step()
    return event, True


class Advanced(NamedTuple):
    """What a step did: the frames for the session's pages, the session (None: there was
    nothing to apply), and whether the frames went to the pages already (through ``notify``,
    before the commit)."""

    frames: list[dict[str, Any]]
    session: InteractionSession | None
    sent: bool = False


def session_advance(*, session_id: int, worker: str = "", notify: Notify | None = None) -> Advanced:
    """Apply the session's pending events in log order; returns the frames for its pages.

    The session row is locked while it runs, so two workers never apply the same event, and a
    second call for events already applied finds nothing to do. ``worker`` names the worker
    doing it (kept on each event). ``notify`` (it must not raise) sends a frame to the session's
    pages at once. It gets the frames that need not wait for the commit:
    - a ``preview`` of a step whose engine refines its answer (the focus view's global mask);
    - every frame of a step that accepts nothing, as soon as the events are applied, before
      their write-back and the commit (the answer reaches the page sooner, docs/performance.md;
      click-path invariant 4). ``sent`` is then True. Only where the step locks its session's row
      (``pg_primitives.locks_rows``): a page that opens the session meanwhile gets its state
      after the commit, never a state without a step whose answer it has.
    The other frames are returned for the caller to send after the commit: the page learns of a
    saved annotation once it is saved.

    A step that accepts nothing also commits without waiting for the database's disk flush
    (``pg_primitives.commit_without_flush``). A step whose commit fails or is lost (a database
    crash in the next moment, the worker stopping) leaves its events pending: the retry or the
    next step applies them again from the log and sends their frames again, and a page that
    gets a second answer to an event asks for the session's state (docs/protocol.md). A click
    is never lost that way: its insert (``event_record``) waits for the flush. An accept, which
    writes the annotation, waits for it too.

    The transaction may sit idle (the engine running) ``MASKLOOP_STEP_IDLE_TIMEOUT_SECONDS`` at
    most: PostgreSQL then ends it, the session is free for a live worker, and this step's
    commit fails, so a worker that wakes after it commits nothing over the live one's steps.
    """
    with transaction.atomic():
        # The engine runs inside this transaction, with no statement meanwhile: a worker frozen
        # or cut off here frees the session after the idle bound (click-path invariant 8).
        pg_primitives.bound_idle_time(max(1, round(settings.MASKLOOP_STEP_IDLE_TIMEOUT_SECONDS * 1000)))
        session = session_lock_for_step(session_id=session_id)
        log = _read_log(session)
        if not log.pending:
            return Advanced([], None)
        # An accept writes the annotation and a cancel gives the object back: their answers wait
        # for the commit, and so does their flush to disk.
        accepts = any(event.kind in (EventKind.ACCEPT, EventKind.CANCEL) for event in log.pending)
        if not accepts:
            # Said now, while the database's process is awake from the reads: after the engine's
            # tens of milliseconds its first statement also pays for waking it.
            pg_primitives.commit_without_flush()
        state = _live_state(session, log)
        session.image = state.image
        frames = [apply_event(session, state, event, notify) for event in log.pending]
        sent = False
        if notify is not None and not accepts and pg_primitives.locks_rows():
            for frame in frames:
                notify(frame)
            sent = True
        step_queries.events_mark_applied(log.pending, applied_at=timezone.now(), worker=worker)
        if session.state != SessionState.OPEN:
            session_ended.send(sender=InteractionSession, session=session, events=log.pending)
    if session.state == SessionState.OPEN:
        live_sessions.put(session.id, log.pending[-1].id, state)
    else:
        live_sessions.discard(session.id)
    return Advanced(frames, session, sent)


def session_lock_for_step(*, session_id: int) -> InteractionSession:
    """The session, its row locked until the caller's transaction ends (call inside one).

    Only the session's own row: its image, class and annotator rows stay free, so the steps of
    other sessions on the same image or class (other annotators, other workers) go on meanwhile.
    Nor are they read here: a step finds the image in the session's live state (images never
    change once uploaded), and the class and annotator load when a step needs them (accept).
    """
    return step_queries.session_lock(session_id)


def session_warm(*, session_id: int) -> InteractionSession | None:
    """Load an open session's state into this worker's memory ahead of its first step, so the
    step finds it there (a session opens on the worker that will apply its steps); returns the
    session (None: no such session). Where the worker has no state of it: the lock, one read
    of the whole log, and the image's row."""
    with transaction.atomic():
        try:
            # No step barrier: an event whose insert has not committed yet is left to its step,
            # and the session's first click, sent as it opens, starts its step before its commit.
            session = step_queries.session_lock(session_id, barrier=False)
        except InteractionSession.DoesNotExist:
            return None
        if session.state == SessionState.OPEN:
            log = _read_log(session)
            live_sessions.put(session.id, log.handled, _live_state(session, log))
    return session


class _Log(NamedTuple):
    """What a step reads of a session's log: its pending events in log order, the id of its
    last handled event (``NO_EVENT`` if none) and, where the whole log was read, its applied
    events (None: read from the worker's remembered last handled event on)."""

    pending: list[InteractionEvent]
    handled: int
    applied: list[InteractionEvent] | None


def _read_log(session: InteractionSession) -> _Log:
    """One query. With the session in this worker's memory: its pending events and those from
    the remembered last handled one on (any handled since by another worker shows up there);
    without: the whole log, which rebuilds the state with no second read."""
    known = live_sessions.last_event_id(session.id)
    rows = step_queries.events_pending_or_from(session.id, NO_EVENT if known is None else known)
    pending = [row for row in rows if row.status == EventStatus.PENDING]
    # No handled event from the remembered one on, though there was one: the memory does not
    # match the log, and NO_EVENT differs from what it remembers, so the state is rebuilt.
    handled = max((row.id for row in rows if row.status != EventStatus.PENDING), default=NO_EVENT)
    applied = [row for row in rows if row.status == EventStatus.APPLIED] if known is None else None
    return _Log(pending, handled, applied)


def _live_state(session: InteractionSession, log: _Log) -> LiveState:
    """The session's state up to ``log.handled``: from the worker's memory where it is up to
    date, else rebuilt from the log (no model runs: click events hold their masks)."""
    state = live_sessions.get(session.id, log.handled)
    if state is not None:
        return state
    history = session_history(session=session) if log.applied is None else history_of(log.applied)
    image = session.image
    mask = history.current_mask
    if mask is None:
        return LiveState(history=history, mask=empty_mask(image), image=image)
    return LiveState(history=history, mask=rle.decode(mask), image=image)


def sessions_leave(*, session_ids: list[int]) -> None:
    """The page working on these sessions left: the apps above learn which of them are still
    open (left without an accept, unless the page comes back to them)."""
    found = InteractionSession.objects.filter(id__in=session_ids, state=SessionState.OPEN)
    still_open = list(found.values_list("id", flat=True))
    if still_open:
        sessions_left.send(sender=InteractionSession, session_ids=still_open)
