"""The WebSocket message protocol: parsing and validating what the page sends.

Every check here raises ``InvalidInput`` with a code the page can act on; see docs/protocol.md.
The frame's size and a stroke's number of points are the connection's limits, checked before
parsing (``frame_limits``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from annotator.common.errors import InvalidInput

EVENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")  # matched whole (fullmatch: no trailing newline)
# The largest id (a 64-bit key) and the largest `seq` (stored as a 32-bit integer).
MAX_ID = 2**63 - 1
MAX_SEQ = 2**31 - 1
# A ping's token is echoed as it came: a string of at most this many characters, a number,
# true, false or null.
MAX_TOKEN_CHARS = 64
EVENT_KINDS = ("click", "box", "scribble", "brush", "start", "undo", "redo", "choose", "accept", "cancel")
# Scribble thickness and brush size, in image pixels.
STROKE_SIZES = (1.0, 512.0)


@dataclass(frozen=True)
class Ping:
    token: Any


@dataclass(frozen=True)
class Hold:
    """Keep the object the session is correcting (a beat, at least every lock period)."""

    session_id: int


@dataclass(frozen=True)
class OpenSession:
    image_id: int
    class_id: int


@dataclass(frozen=True)
class SessionEvent:
    session_id: int
    event_id: str
    kind: str
    payload: dict[str, Any]
    seq: int | None


Message = Ping | Hold | OpenSession | SessionEvent


def _int(content: dict[str, Any], key: str, maximum: int = MAX_ID) -> int:
    value = content.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise InvalidInput(f"'{key}' must be an integer from 0 to {maximum}.", code="invalid_message")
    return value


def _token(content: dict[str, Any]) -> Any:
    token = content.get("t")
    if token is None or isinstance(token, (bool, int)):
        return token
    if isinstance(token, float):
        return _finite(token, "'t'")  # 1e999 is infinite, which JSON cannot echo
    if isinstance(token, str) and len(token) <= MAX_TOKEN_CHARS:
        return token
    raise InvalidInput(
        f"'t' must be a string of at most {MAX_TOKEN_CHARS} characters, a number, true, false or null.",
        code="invalid_message",
    )


def _finite(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInput(f"{name} must be a finite number.", code="invalid_message")
    return float(value)


def _number(content: dict[str, Any], key: str) -> float:
    return _finite(content.get(key), f"'{key}'")


def _bool(content: dict[str, Any], key: str) -> bool:
    value = content.get(key)
    if not isinstance(value, bool):
        raise InvalidInput(f"'{key}' must be true or false.", code="invalid_message")
    return value


def _size(content: dict[str, Any], key: str) -> float:
    value = _number(content, key)
    low, high = STROKE_SIZES
    if not low <= value <= high:
        raise InvalidInput(f"'{key}' must be between {low:g} and {high:g} pixels.", code="invalid_message")
    return value


def _points(content: dict[str, Any]) -> list[list[float]]:
    points = content.get("points")
    if not isinstance(points, list) or not points:
        raise InvalidInput("'points' must be a list of [x, y] pairs.", code="invalid_message")
    out: list[list[float]] = []
    for point in points:
        if not isinstance(point, list) or len(point) != 2:
            raise InvalidInput("Each point must be an [x, y] pair.", code="invalid_message")
        out.append([_finite(point[0], "A point's x"), _finite(point[1], "A point's y")])
    return out


def _payload(kind: str, content: dict[str, Any]) -> dict[str, Any]:
    if kind == "click":
        return {
            "x": _number(content, "x"),
            "y": _number(content, "y"),
            "positive": _bool(content, "positive"),
        }
    if kind == "box":
        x0, y0, x1, y1 = (_number(content, k) for k in ("x0", "y0", "x1", "y1"))
        return {"x0": min(x0, x1), "y0": min(y0, y1), "x1": max(x0, x1), "y1": max(y0, y1)}
    if kind == "scribble":
        return {
            "points": _points(content),
            "thickness": _size(content, "thickness"),
            "positive": _bool(content, "positive"),
        }
    if kind == "brush":
        return {"points": _points(content), "size": _size(content, "size"), "erase": _bool(content, "erase")}
    if kind == "start":
        return {"annotation_id": _int(content, "annotation_id")}
    if kind == "choose":
        return {"index": _int(content, "index")}
    if kind == "accept":
        return {key: _int(content, key) for key in ("class_id", "revision") if content.get(key) is not None}
    return {}


def parse(content: Any) -> Message:
    """Turn a decoded JSON frame into a message, or raise InvalidInput."""
    if not isinstance(content, dict):
        raise InvalidInput("A message must be a JSON object.", code="invalid_message")
    kind = content.get("type")
    if kind == "ping":
        return Ping(token=_token(content))
    if kind == "open":
        return OpenSession(image_id=_int(content, "image_id"), class_id=_int(content, "class_id"))
    if kind == "hold":
        return Hold(session_id=_int(content, "session_id"))
    if kind not in EVENT_KINDS:
        raise InvalidInput(f"Unknown message type {kind!r}.", code="unknown_type")
    event_id = content.get("event_id")
    if not isinstance(event_id, str) or not EVENT_ID.fullmatch(event_id):
        raise InvalidInput("'event_id' must be 1-64 letters, digits or _.:-", code="invalid_message")
    seq = content.get("seq")
    if seq is not None:
        seq = _int(content, "seq", MAX_SEQ)
    return SessionEvent(
        session_id=_int(content, "session_id"),
        event_id=event_id,
        kind=kind,
        payload=_payload(kind, content),
        seq=seq,
    )


def check_stored(kind: str, payload: Any) -> None:
    """Check an event read back from the log as its frame was checked (``parse``): the consumer
    records only events that pass, so one that fails came from outside the protocol (an edit of
    the log, an older version's events). Raises ``InvalidInput`` with code ``invalid_event``."""
    if kind not in EVENT_KINDS:
        raise InvalidInput(f"The recorded event has an unknown kind {kind!r}.", code="invalid_event")
    if not isinstance(payload, dict):
        raise InvalidInput("The recorded event's payload is not a JSON object.", code="invalid_event")
    try:
        _payload(kind, payload)
    except InvalidInput as error:
        raise InvalidInput(
            f"The recorded event is malformed: {error.detail}", code="invalid_event"
        ) from error


def check_inside(event: SessionEvent, *, width: int, height: int) -> None:
    """Clicks, box corners and stroke points must lie inside the image: 0 <= x < width, 0 <= y < height."""
    points: list[tuple[float, float]] = []
    if event.kind == "click":
        points = [(event.payload["x"], event.payload["y"])]
    elif event.kind == "box":
        p = event.payload
        points = [(p["x0"], p["y0"]), (p["x1"], p["y1"])]
        if p["x1"] - p["x0"] < 1 or p["y1"] - p["y0"] < 1:
            raise InvalidInput("A box must be at least one pixel wide and high.", code="invalid_message")
    elif event.kind in ("scribble", "brush"):
        points = [(x, y) for x, y in event.payload["points"]]
    for x, y in points:
        if not (0 <= x < width and 0 <= y < height):
            raise InvalidInput(f"({x:g}, {y:g}) is outside the {width}x{height} image.", code="outside_image")
