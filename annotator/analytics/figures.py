"""A session's figures from its event log: a pure function, the same for the row written when
the session ends and for the backfill (``docs/analytics.md`` defines each figure).

- The interactions are the applied events of each kind; refused ones do not count. NoC, the
  number of model interactions, is the clicks, boxes and scribbles, undone ones included (the
  annotator made them).
- Active time runs from the first event to the last (the accept, for an accepted object), less
  every gap between two events longer than the idle threshold.
- Round trip: from the interaction's arrival at the server (its row's ``created_at``) to its
  answer (``applied_at``); engine time is the engine's own share. p50 is the median.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

MODEL_KINDS = ("click", "box", "scribble")
COUNTED = {
    "click": "clicks",
    "box": "boxes",
    "scribble": "scribbles",
    "brush": "brush_strokes",
    "undo": "undos",
    "redo": "redos",
    "choose": "choices",
}
APPLIED = "applied"


@dataclass(frozen=True)
class LoggedEvent:
    id: int
    kind: str
    status: str
    created_at: datetime
    applied_at: datetime | None
    engine_ms: float | None
    applied_by: str


@dataclass(frozen=True)
class Timing:
    """One model interaction's times, for the histograms."""

    event_id: int
    day: date
    worker: str
    rtt_ms: float
    engine_ms: float | None


@dataclass(frozen=True)
class Figures:
    counts: dict[str, int]  # clicks, boxes, … (``COUNTED``'s values)
    noc: int
    started_at: datetime
    ended_at: datetime
    active_seconds: float
    rtt_p50_ms: float | None
    rtt_max_ms: float | None
    engine_p50_ms: float | None
    engine_max_ms: float | None
    timings: list[Timing]
    last_event_id: int

    def columns(self) -> dict[str, Any]:
        """The figures as ``ObjectRecord`` fields."""
        return {
            **self.counts,
            "noc": self.noc,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "active_seconds": self.active_seconds,
            "rtt_p50_ms": self.rtt_p50_ms,
            "rtt_max_ms": self.rtt_max_ms,
            "engine_p50_ms": self.engine_p50_ms,
            "engine_max_ms": self.engine_max_ms,
        }


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def worked(events: list[LoggedEvent]) -> bool:
    """Whether a session that ended without an accept did any work worth a row: an applied
    interaction that draws (a click, box, scribble or brush stroke)."""
    return any(e.status == APPLIED and (e.kind in MODEL_KINDS or e.kind == "brush") for e in events)


def session_figures(events: list[LoggedEvent], idle_seconds: float) -> Figures:
    """The figures of a session's log (its events in log order; at least one)."""
    ordered = sorted(events, key=lambda e: e.id)
    counts = dict.fromkeys(COUNTED.values(), 0)
    timings: list[Timing] = []
    for event in ordered:
        if event.status != APPLIED or event.kind not in COUNTED:
            continue
        counts[COUNTED[event.kind]] += 1
        if event.kind in MODEL_KINDS and event.applied_at is not None:
            rtt = max(0.0, (event.applied_at - event.created_at).total_seconds() * 1000.0)
            timings.append(Timing(event.id, event.created_at.date(), event.applied_by, rtt, event.engine_ms))
    times = [e.created_at for e in ordered]
    gaps = ((b - a).total_seconds() for a, b in zip(times, times[1:], strict=False))
    rtts = [t.rtt_ms for t in timings]
    engine = [t.engine_ms for t in timings if t.engine_ms is not None]
    return Figures(
        counts=counts,
        noc=sum(counts[COUNTED[kind]] for kind in MODEL_KINDS),
        started_at=times[0],
        ended_at=times[-1],
        active_seconds=sum(max(0.0, gap) for gap in gaps if gap <= idle_seconds),
        rtt_p50_ms=_median(rtts),
        rtt_max_ms=max(rtts, default=None),
        engine_p50_ms=_median(engine),
        engine_max_ms=max(engine, default=None),
        timings=timings,
        last_event_id=ordered[-1].id,
    )
