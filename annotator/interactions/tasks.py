"""Celery tasks of the live path: take ids, call the service, relay what it produced."""

from __future__ import annotations

import time

from celery import Task, current_app, shared_task
from django.db import OperationalError

from annotator.images.models import ImageAsset
from annotator.interactions import relay, routing, services, step_marks, step_queries
from annotator.interactions.models import InteractionSession, SessionState
from annotator.projects.engines import capabilities, engine_in_use
from annotator.serving import learning
from annotator.serving.prepared import prepared_for
from inference.pipelines import PLAIN


def runs_in_process() -> bool:
    """Whether tasks run in the calling process (the embedded set-up), not on workers."""
    return bool(current_app.conf.task_always_eager)


def session_queue(session_id: int, routes: routing.RouteMemory | None = None) -> str | None:
    """The session's worker queue (None: the shared queue, and always in embedded mode), from
    ``routes`` when given."""
    if runs_in_process():
        return None
    if routes is not None:
        return routes.queue(session_id)
    return routing.session_route(session_id=session_id)


def dispatch_advance(session_id: int, *, once: bool = True) -> None:
    """Have the session's worker apply its pending events (``once``: see ``send_advance``)."""
    send_advance(session_id, session_queue(session_id), once=once)


def send_advance(session_id: int, queue: str | None, *, once: bool = True) -> None:
    """Have the worker of ``queue`` (from ``session_queue``, looked up beforehand) apply the
    session's pending events.

    ``once``: nothing is sent where a step of the session is queued and has not started yet
    (``step_marks``): it will find the events recorded before its start. So a page's burst of
    events queues one step at a time, and other sessions' steps queued meanwhile run before its
    next one. ``once=False`` (a session handed over, a step lost) sends in any case."""
    marked = once and not runs_in_process()
    if marked and not step_marks.mark(session_id):
        return
    try:
        advance_session.apply_async((session_id,), queue=queue)
    except Exception:
        if marked:
            step_marks.clear(session_id)
        raise


def send_prepare(session_id: int, queue: str | None) -> None:
    """Have the worker of ``queue`` (from ``session_queue``, which pins a session that opens to
    a worker) prepare the session and its image."""
    prepare_session_image.apply_async((session_id,), queue=queue)


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def advance_session(self: Task, session_id: int) -> None:
    """Apply the session's pending events in order and push the results to its pages. A step
    applies a bounded number of them (``step_queries.events_pending_or_from``): where it may
    have left some, the next step is queued once this one has committed, behind the steps of
    other sessions already waiting on the worker."""
    step_marks.clear(session_id)  # before the log's read: events recorded from now on start another step
    messages, session, sent = services.session_advance(
        session_id=session_id,
        worker=self.request.hostname or "",
        notify=lambda frame: relay.send_or_log(session_id, [frame]),
    )
    if not sent:
        relay.send_to_session(session_id, messages)
    if (
        session is not None
        and session.state == SessionState.OPEN
        and step_queries.step_is_full(len(messages))
    ):
        dispatch_advance(session_id)
    clicks = sum(1 for m in messages if m["type"] == "mask" and m.get("kind") == "click")
    accepted = any(m["type"] == "accepted" for m in messages)
    if not (clicks or accepted) or session is None or not _adapts(session):
        return
    # After the page has its answer: the decoders learn off the critical path.
    if clicks:
        learning.learn_after_click(
            session_id, clicks
        )  # here: the session's decoder copy lives in this process
    if accepted:
        learning.learn_after_accept(session_id, session_queue(session_id))


def _adapts(session: InteractionSession) -> bool:
    """Whether the session's decoders adapt (an engine that learns online, on the plain pipeline)."""
    return capabilities(session.engine).learns_online and session.pipeline == PLAIN


@shared_task(ignore_result=True)
def prepare_session_image(session_id: int) -> None:
    """Get a session that opens ready on its worker: its state loaded from the log, and the
    image's once-per-image step done (the engine's), so the first click runs only the light
    per-click step; then tell the page it is ready."""
    session = services.session_warm(session_id=session_id)
    if session is None:
        return
    started = time.perf_counter()
    prepared_for(session.engine, session.image, session.pipeline)
    ready = {
        "type": "ready",
        "session_id": session.id,
        "engine": session.engine,
        "prepare_ms": round((time.perf_counter() - started) * 1000.0, 3),
    }
    relay.send_to_session(session.id, [ready])


@shared_task(ignore_result=True)
def prepare_image(image_id: int) -> None:
    """Compute an uploaded image's embedding ahead of the first session on it."""
    image = ImageAsset.objects.select_related("project").filter(id=image_id).first()
    if image is not None:
        prepared_for(engine_in_use(image.project.engine).engine, image, image.project.pipeline)
