"""Reads about interaction sessions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from annotator.common.errors import InvalidInput, NotFound
from annotator.interactions.models import EventStatus, InteractionEvent, InteractionSession, SessionState
from annotator.serving.history import SessionHistory, page_fields


@dataclass(frozen=True)
class SessionInfo:
    """What the consumer needs to validate events without asking the database again."""

    session_id: int
    image_id: int
    width: int
    height: int


def session_info(*, session_id: int, user_id: int, project_id: int) -> SessionInfo:
    """An open session of this user in this project; NotFound or InvalidInput otherwise."""
    session = (
        InteractionSession.objects.select_related("image")
        .filter(id=session_id, user_id=user_id, project_id=project_id)
        .first()
    )
    if session is None:
        raise NotFound("Session not found.", code="unknown_session")
    if session.state != SessionState.OPEN:
        raise InvalidInput(f"The session is {session.state}.", code="session_closed")
    image = session.image
    return SessionInfo(session_id=session.id, image_id=image.id, width=image.width, height=image.height)


def session_class_id(*, session_id: int) -> int:
    """The class the session outlines now."""
    return int(InteractionSession.objects.values_list("label_class_id", flat=True).get(id=session_id))


def session_history(*, session: InteractionSession) -> SessionHistory:
    return history_of(session.events.filter(status=EventStatus.APPLIED).order_by("id"))


def history_of(applied: Iterable[InteractionEvent]) -> SessionHistory:
    """The undo history that a session's applied events, in log order, make."""
    return SessionHistory.replay((e.kind, e.payload, e.result) for e in applied)


def session_snapshot(*, session: InteractionSession) -> dict[str, Any]:
    """The 'session' frame: everything the page needs to show a new or resumed session."""
    history = session_history(session=session)
    image = session.image
    return {
        "type": "session",
        "session_id": session.id,
        "image": {
            "id": image.id,
            "width": image.width,
            "height": image.height,
            "url": f"/api/images/{image.id}/file/",
        },
        "class_id": session.label_class_id,
        "engine": session.engine,
        "state": session.state,
        "mask": history.current_mask,
        **page_fields(history),
    }
