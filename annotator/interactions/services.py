"""Writes to interaction sessions: open, record events, apply them in order."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import cv2
import numpy as np
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from annotator.annotations.selectors import annotation_get
from annotator.annotations.services import annotation_correct, annotation_create
from annotator.common.errors import DomainError, InvalidInput
from annotator.images.models import ImageAsset
from annotator.interactions import engine_runtime
from annotator.interactions.history import SessionHistory, Step, page_fields, prompt_from_payload
from annotator.interactions.models import (
    EventKind,
    EventStatus,
    InteractionEvent,
    InteractionSession,
    SessionState,
)
from annotator.interactions.selectors import session_history
from annotator.interactions.session_cache import LiveState, SessionCache
from annotator.projects.engines import engine_in_use
from annotator.projects.models import LabelClass
from inference.masks import patch, rle
from inference.masks.manual import BrushStroke, keep_locked
from inference.prompts import Box, Click, Scribble

logger = logging.getLogger(__name__)

# Sends one frame to the session's pages at once (not after the commit).
Notify = Callable[[dict[str, Any]], None]

# Worker-process memory of live sessions (validated against the event log on every use).
live_sessions = SessionCache(max_sessions=256)
# The last handled event of a session that has handled none yet (event ids start at 1).
NO_EVENT = 0


@transaction.atomic
def session_open(*, user: User, image: ImageAsset, label_class: LabelClass) -> InteractionSession:
    """Resume the user's open session on this image, or start one.

    The class selector applies to the object being outlined, so a resumed session takes
    the requested class.
    """
    if label_class.project_id != image.project_id:
        raise InvalidInput("The class belongs to another project.", code="unknown_class")
    session = (
        InteractionSession.objects.select_for_update()
        .filter(user_id=user.pk, image=image, state=SessionState.OPEN)
        .order_by("-id")
        .first()
    )
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
    *, session_id: int, client_event_id: str, kind: str, payload: dict[str, Any], seq: int | None
) -> tuple[InteractionEvent, bool]:
    """Append an event to the session's log; returns (event, created).

    The same ``client_event_id`` twice in a session is one event: the second call returns
    the first event and ``created=False``, and nothing is applied again.
    """
    # Outside a transaction the INSERT commits by itself: no BEGIN and COMMIT round trips on the
    # click's path. Inside one, a savepoint keeps the caller's transaction usable on a duplicate.
    guard = transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()
    try:
        with guard:
            event = InteractionEvent.objects.create(
                session_id=session_id, client_event_id=client_event_id, kind=kind, payload=payload, seq=seq
            )
        return event, True
    except IntegrityError:
        existing = InteractionEvent.objects.get(session_id=session_id, client_event_id=client_event_id)
        return existing, False


def session_advance(
    *, session_id: int, worker: str = "", notify: Notify | None = None
) -> list[dict[str, Any]]:
    """Apply the session's pending events in log order; returns the frames for its pages.

    The session row is locked while it runs, so two workers never apply the same event, and a
    second call for events already applied finds nothing to do. ``worker`` names the worker
    doing it (kept on each event). The frames are returned, not sent: the caller sends them
    after the commit. ``notify`` gets the frames that cannot wait for the commit: a
    ``preview`` of a step whose engine refines its answer (the focus view's global mask).
    """
    with transaction.atomic():
        session = session_lock_for_step(session_id=session_id)
        pending, handled = _pending_and_handled(session)
        if not pending:
            return []
        state = live_sessions.get(session.id, handled) or _rebuild(session)
        session.image = state.image
        frames = [_apply(session, state, event, notify) for event in pending]
        now = timezone.now()
        for event in pending:
            event.applied_at = now
            event.applied_by = worker
            event.save(update_fields=["status", "result", "error", "engine_ms", "applied_at", "applied_by"])
    if session.state == SessionState.OPEN:
        live_sessions.put(session.id, pending[-1].id, state)
    else:
        live_sessions.discard(session.id)
    return frames


def session_lock_for_step(*, session_id: int) -> InteractionSession:
    """The session, its row locked until the caller's transaction ends (call inside one).

    Only the session's own row: its image, class and annotator rows stay free, so the steps of
    other sessions on the same image or class (other annotators, other workers) go on meanwhile.
    Nor are they read here: a step finds the image in the session's live state (images never
    change once uploaded), and the class and annotator load when a step needs them (accept).
    """
    return InteractionSession.objects.select_for_update(of=("self",)).get(id=session_id)


def session_warm(*, session_id: int) -> InteractionSession | None:
    """Load an open session's state into this worker's memory ahead of its first step, so the
    step finds it there (a session opens on the worker that will apply its steps); returns the
    session with its image (None: no such session)."""
    with transaction.atomic():
        session = (
            InteractionSession.objects.select_for_update(of=("self",))
            .select_related("image")
            .filter(id=session_id)
            .first()
        )
        if session is None or session.state != SessionState.OPEN:
            return session
        _, handled = _pending_and_handled(session)
        if live_sessions.get(session.id, handled) is None:
            live_sessions.put(session.id, handled, _rebuild(session))
    return session


def _pending_and_handled(session: InteractionSession) -> tuple[list[InteractionEvent], int]:
    """The session's pending events in log order, and the id of its last handled event
    (``NO_EVENT`` if none).

    With the session in this worker's memory, one query: the pending events and those from
    the remembered last handled one on (any handled since by another worker shows up there).
    """
    known = live_sessions.last_event_id(session.id)
    if known is None:
        pending = list(session.events.filter(status=EventStatus.PENDING).order_by("id"))
        handled = session.events.exclude(status=EventStatus.PENDING).aggregate(last=Max("id"))["last"]
        return pending, handled or NO_EVENT
    rows = list(session.events.filter(Q(status=EventStatus.PENDING) | Q(id__gte=known)).order_by("id"))
    done = [row.id for row in rows if row.status != EventStatus.PENDING]
    pending = [row for row in rows if row.status == EventStatus.PENDING]
    # No handled event from the remembered one on, though there was one: the memory does not
    # match the log, and NO_EVENT differs from what it remembers, so the state is rebuilt.
    return pending, max(done, default=NO_EVENT)


def _rebuild(session: InteractionSession) -> LiveState:
    """The session's state from its event log (no model runs: click events hold their masks)."""
    history = session_history(session=session)
    image = session.image
    mask = history.current_mask
    if mask is None:
        return LiveState(history=history, mask=_empty(image), image=image)
    return LiveState(history=history, mask=rle.decode(mask), image=image)


def _empty(image: ImageAsset) -> np.ndarray:
    return np.zeros((image.height, image.width), dtype=bool)


def _apply(
    session: InteractionSession, state: LiveState, event: InteractionEvent, notify: Notify | None
) -> dict[str, Any]:
    try:
        if session.state != SessionState.OPEN:
            raise InvalidInput(f"The session is {session.state}.", code="session_closed")
        if event.kind in (EventKind.CLICK, EventKind.BOX, EventKind.SCRIBBLE):
            return _apply_prompt(session, state, event, notify)
        if event.kind == EventKind.BRUSH:
            return _apply_brush(session, state, event)
        if event.kind == EventKind.START:
            return _apply_start(session, state, event)
        if event.kind in (EventKind.UNDO, EventKind.REDO):
            return _apply_history_move(session, state, event)
        if event.kind == EventKind.CHOOSE:
            return _apply_choose(session, state, event)
        return _apply_accept(session, state.history, event)
    except DomainError as error:
        event.status = EventStatus.REJECTED
        event.error = error.detail[:200]
        return {
            "type": "error",
            "code": error.code,
            "detail": error.detail,
            "session_id": session.id,
            "event_id": event.client_event_id,
            "seq": event.seq,
        }


def _mask_frame(
    session: InteractionSession,
    history: SessionHistory,
    event: InteractionEvent,
    change: patch.MaskPatch,
    area: int,
) -> dict[str, Any]:
    return {
        "type": "mask",
        "session_id": session.id,
        "event_id": event.client_event_id,
        "seq": event.seq,
        "kind": event.kind,
        "patch": change.to_wire(),
        "area": area,
        **page_fields(history),
        "engine_ms": event.engine_ms,
    }


def _apply_prompt(
    session: InteractionSession, state: LiveState, event: InteractionEvent, notify: Notify | None
) -> dict[str, Any]:
    """A click, box or scribble: the engine proposes, brush strokes not clicked in since stay."""
    prompt = prompt_from_payload(event.kind, event.payload)
    assert isinstance(prompt, (Click, Box, Scribble))
    before = state.mask
    history = state.history
    released_by = prompt if isinstance(prompt, (Click, Scribble)) else None
    height, width = before.shape
    locked = history.locked(height, width, then=released_by)

    def preview(mask: np.ndarray) -> None:
        if notify is not None:
            shown = keep_locked(mask, before, locked)
            notify(
                {
                    "type": "preview",
                    "session_id": session.id,
                    "event_id": event.client_event_id,
                    "seq": event.seq,
                    "patch": patch.diff(before, shown).to_wire(),
                    "area": int(np.count_nonzero(shown)),
                }
            )

    try:
        prediction = engine_runtime.predict(
            engine_name=session.engine,
            pipeline=session.pipeline,
            image=session.image,
            prompts=history.prompts().with_prompt(prompt),
            previous=before if history.current_mask is not None else None,
            on_preview=preview,
            session=session,
        )
    except (cv2.error, ValueError, OSError) as error:
        logger.exception("engine failed on session %s event %s", session.id, event.client_event_id)
        raise InvalidInput(f"The engine could not process this step: {error}", code="engine_error") from error
    masks = [keep_locked(m, before, locked) for m in prediction.candidates]
    after = masks[0]
    after_rle = rle.encode(after)
    candidates = (after_rle, *(rle.encode(m) for m in masks[1:])) if len(masks) > 1 else ()
    history.push(Step(prompt=prompt, mask=after_rle, candidates=candidates))
    state.mask = after
    event.status = EventStatus.APPLIED
    event.result = {"mask": after_rle, "candidates": list(candidates)} if candidates else {"mask": after_rle}
    event.engine_ms = round(prediction.engine_ms, 3)
    frame = _mask_frame(session, history, event, patch.diff(before, after), int(np.count_nonzero(after)))
    frame["prepare_ms"] = round(prediction.prepare_ms, 3)
    return frame


def _push_mask(
    session: InteractionSession, state: LiveState, event: InteractionEvent, after: np.ndarray
) -> dict[str, Any]:
    """Record a step that sets the mask without the engine (a brush stroke, a start)."""
    before = state.mask
    after_rle = rle.encode(after)
    state.history.push(Step(prompt=prompt_from_payload(event.kind, event.payload), mask=after_rle))
    state.mask = after
    event.status = EventStatus.APPLIED
    event.result = {"mask": after_rle}
    change = patch.diff(before, after)
    return _mask_frame(session, state.history, event, change, int(np.count_nonzero(after)))


def _apply_brush(session: InteractionSession, state: LiveState, event: InteractionEvent) -> dict[str, Any]:
    stroke = prompt_from_payload(event.kind, event.payload)
    assert isinstance(stroke, BrushStroke)
    return _push_mask(session, state, event, stroke.paint(state.mask))


def _apply_start(session: InteractionSession, state: LiveState, event: InteractionEvent) -> dict[str, Any]:
    """Begin from an annotation of this image: the following steps correct its mask."""
    if state.history.cursor:
        raise InvalidInput(
            "Start from a mask on an empty object: accept or undo the current one first.", code="not_empty"
        )
    annotation = annotation_get(
        project_id=session.project_id, image_id=session.image_id, annotation_id=event.payload["annotation_id"]
    )
    return _push_mask(session, state, event, rle.decode(annotation.mask))


def _apply_history_move(
    session: InteractionSession, state: LiveState, event: InteractionEvent
) -> dict[str, Any]:
    history = state.history
    if event.kind == EventKind.UNDO:
        if not history.can_undo:
            raise InvalidInput("Nothing to undo.", code="nothing_to_undo")
        history.undo()
    else:
        if not history.can_redo:
            raise InvalidInput("Nothing to redo.", code="nothing_to_redo")
        history.redo()
    before = state.mask
    current = history.current_mask
    state.mask = _empty(state.image) if current is None else rle.decode(current)
    event.status = EventStatus.APPLIED
    change = patch.diff(before, state.mask)
    return _mask_frame(session, history, event, change, int(np.count_nonzero(state.mask)))


def _apply_choose(session: InteractionSession, state: LiveState, event: InteractionEvent) -> dict[str, Any]:
    current = state.history.current
    if current is None or not current.candidates:
        raise InvalidInput(
            "There are no other proposed masks here: the engine offers them on an object's first click.",
            code="no_candidates",
        )
    index = int(event.payload["index"])
    if index >= len(current.candidates):
        raise InvalidInput(f"There are {len(current.candidates)} proposed masks.", code="invalid_candidate")
    if index == current.choice:
        raise InvalidInput(f"Proposed mask {index} is already shown.", code="invalid_candidate")
    step = state.history.choose(index)
    before = state.mask
    state.mask = rle.decode(step.mask)
    event.status = EventStatus.APPLIED
    event.result = {"mask": step.mask, "index": index}
    change = patch.diff(before, state.mask)
    return _mask_frame(session, state.history, event, change, int(np.count_nonzero(state.mask)))


def _apply_accept(
    session: InteractionSession, history: SessionHistory, event: InteractionEvent
) -> dict[str, Any]:
    mask = history.current_mask
    if mask is None:
        raise InvalidInput("The mask is empty: click on the object first.", code="empty_mask")
    class_id = event.payload.get("class_id", session.label_class_id)
    label_class = LabelClass.objects.filter(id=class_id, project_id=session.project_id).first()
    if label_class is None:
        raise InvalidInput("Unknown label class.", code="unknown_class")
    corrected = history.started_from
    if corrected is not None:
        annotation = annotation_correct(
            annotation_id=corrected,
            image=session.image,
            label_class=label_class,
            mask=mask,
            author=session.user,
            source_session=session,
        )
    else:
        annotation = annotation_create(
            image=session.image,
            label_class=label_class,
            mask=mask,
            author=session.user,
            source_session=session,
        )
    session.state = SessionState.ACCEPTED
    session.label_class = label_class
    session.save(update_fields=["state", "label_class", "updated_at"])
    event.status = EventStatus.APPLIED
    event.result = {"annotation_id": annotation.id}
    return {
        "type": "accepted",
        "session_id": session.id,
        "event_id": event.client_event_id,
        "seq": event.seq,
        "annotation_id": annotation.id,
        "class_id": label_class.id,
        "area": annotation.area,
        "bbox": annotation.bbox,
    }
