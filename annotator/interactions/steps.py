"""One event applied to a session's live state: the engine, the brush, undo and redo, a
proposed mask chosen, the object accepted. Each returns the frame for the session's pages;
a rejected event gets an error frame and its status says why."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from annotator.annotations.locks import lock_release
from annotator.annotations.selectors import annotation_get
from annotator.annotations.services import annotation_correct, annotation_create
from annotator.common.errors import Conflict, DomainError, InvalidInput
from annotator.images.models import ImageAsset
from annotator.interactions import protocol
from annotator.interactions.models import (
    EventKind,
    EventStatus,
    InteractionEvent,
    InteractionSession,
    SessionState,
)
from annotator.projects.models import LabelClass
from annotator.serving.history import SessionHistory, StartFrom, Step, page_fields, prompt_from_payload
from annotator.serving.predict import predict
from annotator.serving.sessions import LiveState
from inference.masks import patch, rle
from inference.masks.manual import BrushStroke, keep_locked
from inference.prompts import Box, Click, Scribble

logger = logging.getLogger(__name__)

# Sends one frame to the session's pages at once (not after the commit).
Notify = Callable[[dict[str, Any]], None]


def empty_mask(image: ImageAsset) -> np.ndarray:
    return np.zeros((image.height, image.width), dtype=bool)


def apply_event(
    session: InteractionSession, state: LiveState, event: InteractionEvent, notify: Notify | None
) -> dict[str, Any]:
    try:
        protocol.check_stored(event.kind, event.payload)
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
        if event.kind == EventKind.CANCEL:
            return _apply_cancel(session, event)
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
        prediction = predict(
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
    session: InteractionSession,
    state: LiveState,
    event: InteractionEvent,
    after: np.ndarray,
    prompt: StartFrom | None = None,
) -> dict[str, Any]:
    """Record a step that sets the mask without the engine (a brush stroke; a start, whose
    ``prompt`` says at which revision it took the mask)."""
    before = state.mask
    after_rle = rle.encode(after)
    state.history.push(Step(prompt=prompt or prompt_from_payload(event.kind, event.payload), mask=after_rle))
    state.mask = after
    event.status = EventStatus.APPLIED
    event.result = {"mask": after_rle} if prompt is None else {"mask": after_rle, "revision": prompt.revision}
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
    start = StartFrom(annotation.id, annotation.revision)
    return _push_mask(session, state, event, rle.decode(annotation.mask), start)


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
    state.mask = empty_mask(state.image) if current is None else rle.decode(current)
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
    start = history.start
    if start is not None:
        claimed = event.payload.get("revision")
        if claimed is not None and claimed != start.revision:
            raise Conflict(
                f"This page started from revision {claimed}, the session from revision {start.revision}: "
                "open the object again.",
                code="stale_revision",
            )
        annotation = annotation_correct(
            annotation_id=start.annotation_id,
            image=session.image,
            label_class=label_class,
            mask=mask,
            user=session.user,
            session=session,
            base=start.revision,
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
    event.result = {"annotation_id": annotation.id, "revision": annotation.revision}
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


def _apply_cancel(session: InteractionSession, event: InteractionEvent) -> dict[str, Any]:
    """Leave the object unsaved: the session closes, and an object it was correcting is free
    again, unchanged."""
    lock_release(session_id=session.id)
    session.state = SessionState.CANCELLED
    session.save(update_fields=["state", "updated_at"])
    event.status = EventStatus.APPLIED
    return {
        "type": "cancelled",
        "session_id": session.id,
        "event_id": event.client_event_id,
        "seq": event.seq,
    }
