"""What one annotation socket may send: how large a frame, how many frames a second, how many
points a stroke. Each check costs the same whatever the frame holds (a length, a counter), so
the click path pays nothing it would notice; docs/protocol.md lists the answers.

- A frame larger than ``MASKLOOP_SOCKET_MAX_FRAME_BYTES`` is answered ``frame_too_large``
  without being parsed.
- Frames go through a token bucket: ``MASKLOOP_SOCKET_BURST`` at once, then
  ``MASKLOOP_SOCKET_RATE`` a second. A frame over it is answered ``rate_limited`` (naming its
  ``event_id`` and when to send again) and nothing of it is recorded.
- A session's model steps (clicks, boxes, scribbles) go through a bucket of their own:
  ``MASKLOOP_SESSION_MODEL_BURST`` at once, then ``MASKLOOP_SESSION_MODEL_RATE`` a second, so
  one page cannot ask its worker for more than it does for a person (``rate_limited`` beyond).
- A scribble or brush stroke of more than ``MASKLOOP_SOCKET_STROKE_POINTS`` points is answered
  ``too_many_points`` before its points are read.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from annotator.common.errors import DomainError, InvalidInput

STROKE_KINDS = ("scribble", "brush")
MODEL_KINDS = ("click", "box", "scribble")


class RateLimited(DomainError):
    """A frame over the connection's rate; ``retry_ms`` is when the next one will be taken."""

    code = "rate_limited"
    status = 429

    def __init__(self, detail: str, *, retry_ms: int) -> None:
        super().__init__(detail)
        self.retry_ms = retry_ms


@dataclass(frozen=True)
class FrameLimits:
    max_frame_bytes: int
    burst: int
    per_second: float
    stroke_points: int
    model_burst: int
    model_per_second: float

    @classmethod
    def from_settings(cls) -> FrameLimits:
        return cls(
            max_frame_bytes=settings.MASKLOOP_SOCKET_MAX_FRAME_BYTES,
            burst=settings.MASKLOOP_SOCKET_BURST,
            per_second=settings.MASKLOOP_SOCKET_RATE,
            stroke_points=settings.MASKLOOP_SOCKET_STROKE_POINTS,
            model_burst=settings.MASKLOOP_SESSION_MODEL_BURST,
            model_per_second=settings.MASKLOOP_SESSION_MODEL_RATE,
        )

    def for_page(self) -> dict[str, Any]:
        """The limits as the page learns them (the ``hello`` frame), to keep its frames inside."""
        return {
            "max_frame_bytes": self.max_frame_bytes,
            "burst": self.burst,
            "per_second": self.per_second,
            "stroke_points": self.stroke_points,
            "model_burst": self.model_burst,
            "model_per_second": self.model_per_second,
        }

    def check_size(self, text: str | None, data: bytes | None) -> None:
        """Raise ``frame_too_large`` for a frame over the limit. The page's JSON is ASCII, whose
        length is its size; other text is measured in UTF-8."""
        if text is None:
            size = len(data or b"")
        elif len(text) > self.max_frame_bytes or text.isascii():
            size = len(text)
        else:
            size = len(text.encode("utf-8", "surrogatepass"))
        if size > self.max_frame_bytes:
            raise InvalidInput(
                f"The frame is {size} bytes; the largest taken is {self.max_frame_bytes}.",
                code="frame_too_large",
            )

    def check_stroke(self, content: Any) -> None:
        """Raise ``too_many_points`` for a scribble or brush stroke over the limit."""
        if not isinstance(content, dict) or content.get("type") not in STROKE_KINDS:
            return
        points = content.get("points")
        if isinstance(points, list) and len(points) > self.stroke_points:
            raise InvalidInput(
                f"A stroke has at most {self.stroke_points} points; this one has {len(points)}.",
                code="too_many_points",
            )


class TokenBucket:
    """``burst`` tokens to begin with, refilled at ``per_second`` up to ``burst``; a frame (or a
    model step) takes one. ``what`` names what is counted, in the refusal's words."""

    def __init__(
        self,
        *,
        burst: int,
        per_second: float,
        what: str = "messages",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.what = what
        self.per_second = per_second
        self.clock = clock
        self.tokens = float(burst)
        self.at = clock()

    def take(self) -> None:
        """Take a token, or raise ``RateLimited`` (taking none) when there is none left."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.per_second)
        self.at = now
        if self.tokens < 1:
            retry_ms = math.ceil((1 - self.tokens) / self.per_second * 1000)
            raise RateLimited(
                f"Too many {self.what}: at most {self.burst} at once and {self.per_second:g} a second. "
                f"Send it again in {retry_ms} ms.",
                retry_ms=retry_ms,
            )
        self.tokens -= 1


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)  # made once: json.loads(**options) makes one a call


def decode(text: str | None) -> Any:
    """The frame's JSON value; ``invalid_json`` for binary frames, text that is not JSON (NaN
    and Infinity included) and nesting deeper than the decoder follows."""
    if text is None:
        raise InvalidInput("Send text frames holding JSON.", code="invalid_json")
    try:
        return _DECODER.decode(text)
    except (ValueError, RecursionError):
        raise InvalidInput("The frame is not valid JSON.", code="invalid_json") from None
