"""A session's figures from its log, worked out by hand: interactions by kind (refused ones not
counted), NoC, active time without idle gaps, round trip and engine time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from annotator.analytics.figures import LoggedEvent, session_figures, worked

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def event(n: int, kind: str, at: float, rtt: float | None = 0.1, engine: float | None = None,
          status: str = "applied") -> LoggedEvent:  # fmt: skip
    created = T0 + timedelta(seconds=at)
    applied = None if rtt is None else created + timedelta(seconds=rtt)
    return LoggedEvent(n, kind, status, created, applied, engine, "w1" if rtt is not None else "")


def test_clicks_an_undo_a_box_and_an_accept_with_an_idle_gap() -> None:
    log = [
        event(1, "click", 0, rtt=0.2, engine=150),
        event(2, "click", 5, rtt=0.3, engine=200),
        event(3, "click", 6, rtt=None, status="rejected"),  # refused: not counted, still activity
        event(4, "undo", 7),
        event(5, "box", 9, rtt=0.5, engine=400),
        event(6, "click", 200, rtt=1.5, engine=1200),  # after 191 s away: idle, left out
        event(7, "accept", 203),
    ]
    figures = session_figures(log, idle_seconds=60)
    assert (figures.counts["clicks"], figures.counts["boxes"], figures.counts["undos"]) == (3, 1, 1)
    assert figures.noc == 4
    assert figures.active_seconds == 5 + 1 + 1 + 2 + 3  # the 191-second gap is left out
    assert (figures.rtt_p50_ms, figures.rtt_max_ms) == (400.0, 1500.0)  # of 200, 300, 500, 1500
    assert (figures.engine_p50_ms, figures.engine_max_ms) == (300.0, 1200.0)
    assert [t.event_id for t in figures.timings] == [1, 2, 5, 6]
    assert figures.started_at == T0 and figures.ended_at == T0 + timedelta(seconds=203)


def test_undone_interactions_still_count_and_a_gap_at_the_threshold_is_active() -> None:
    log = [event(1, "click", 0), event(2, "undo", 60), event(3, "click", 61), event(4, "accept", 62)]
    figures = session_figures(log, idle_seconds=60)
    assert figures.noc == 2 and figures.active_seconds == 62


def test_a_session_worth_a_row_drew_something() -> None:
    assert worked([event(1, "brush", 0, engine=None)])
    assert not worked([event(1, "start", 0), event(2, "cancel", 3)])
    assert not worked([event(1, "click", 0, rtt=None, status="rejected")])
