"""The WebSocket message protocol: parsing and validating what the page sends.

Every check here raises ``InvalidInput`` with a code the page can act on; see docs/protocol.md.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from annotator.common.errors import InvalidInput

EVENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
EVENT_KINDS = ("click", "box", "undo", "redo", "choose", "accept")


@dataclass(frozen=True)
class Ping:
    token: Any


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


Message = Ping | OpenSession | SessionEvent


def _int(content: dict[str, Any], key: str) -> int:
    value = content.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"'{key}' must be a non-negative integer.", code="invalid_message")
    return value


def _number(content: dict[str, Any], key: str) -> float:
    value = content.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInput(f"'{key}' must be a finite number.", code="invalid_message")
    return float(value)


def parse(content: Any) -> Message:
    """Turn a decoded JSON frame into a message, or raise InvalidInput."""
    if not isinstance(content, dict):
        raise InvalidInput("A message must be a JSON object.", code="invalid_message")
    kind = content.get("type")
    if kind == "ping":
        return Ping(token=content.get("t"))
    if kind == "open":
        return OpenSession(image_id=_int(content, "image_id"), class_id=_int(content, "class_id"))
    if kind not in EVENT_KINDS:
        raise InvalidInput(f"Unknown message type {kind!r}.", code="unknown_type")
    event_id = content.get("event_id")
    if not isinstance(event_id, str) or not EVENT_ID.match(event_id):
        raise InvalidInput("'event_id' must be 1-64 letters, digits or _.:-", code="invalid_message")
    seq = content.get("seq")
    if seq is not None:
        seq = _int(content, "seq")
    payload: dict[str, Any] = {}
    if kind == "click":
        positive = content.get("positive")
        if not isinstance(positive, bool):
            raise InvalidInput("'positive' must be true or false.", code="invalid_message")
        payload = {"x": _number(content, "x"), "y": _number(content, "y"), "positive": positive}
    elif kind == "box":
        x0, y0, x1, y1 = (_number(content, k) for k in ("x0", "y0", "x1", "y1"))
        payload = {"x0": min(x0, x1), "y0": min(y0, y1), "x1": max(x0, x1), "y1": max(y0, y1)}
    elif kind == "choose":
        payload = {"index": _int(content, "index")}
    elif kind == "accept" and content.get("class_id") is not None:
        payload = {"class_id": _int(content, "class_id")}
    return SessionEvent(
        session_id=_int(content, "session_id"), event_id=event_id, kind=kind, payload=payload, seq=seq
    )


def check_inside(event: SessionEvent, *, width: int, height: int) -> None:
    """Clicks and boxes must lie inside the image: 0 <= x < width, 0 <= y < height."""
    points: list[tuple[float, float]] = []
    if event.kind == "click":
        points = [(event.payload["x"], event.payload["y"])]
    elif event.kind == "box":
        p = event.payload
        points = [(p["x0"], p["y0"]), (p["x1"], p["y1"])]
        if p["x1"] - p["x0"] < 1 or p["y1"] - p["y0"] < 1:
            raise InvalidInput("A box must be at least one pixel wide and high.", code="invalid_message")
    for x, y in points:
        if not (0 <= x < width and 0 <= y < height):
            raise InvalidInput(f"({x:g}, {y:g}) is outside the {width}x{height} image.", code="outside_image")
