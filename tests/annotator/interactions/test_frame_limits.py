"""The token bucket that paces a socket's frames, on a clock the test moves."""

from __future__ import annotations

import pytest

from annotator.interactions.frame_limits import RateLimited, TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_taken_then_frames_come_at_the_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(burst=3, per_second=4.0, clock=clock)
    for _ in range(3):
        bucket.take()
    with pytest.raises(RateLimited) as refused:
        bucket.take()
    assert refused.value.retry_ms == 250 and refused.value.code == "rate_limited"
    clock.now += 0.125  # half a token: still refused, and told the rest of the wait
    with pytest.raises(RateLimited) as refused:
        bucket.take()
    assert refused.value.retry_ms == 125
    clock.now += 0.125
    bucket.take()
    with pytest.raises(RateLimited):
        bucket.take()


def test_an_idle_connection_gets_its_burst_back_and_no_more() -> None:
    clock = Clock()
    bucket = TokenBucket(burst=2, per_second=10.0, clock=clock)
    bucket.take()
    bucket.take()
    clock.now += 3600
    bucket.take()
    bucket.take()
    with pytest.raises(RateLimited):
        bucket.take()
