"""Times kept as counts per bucket: 24 buckets a decade (each 10 % wider than the one before),
so a percentile read back is within 5 % of the true one, and 1,000 ms is a bucket boundary, so
the share of interactions over one second is exact.

Bucket 0 holds times under 1 ms; bucket k ≥ 1 holds [10^((k-1)/24), 10^(k/24)) ms; the last
bucket also holds everything slower.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

PER_DECADE = 24
LAST = PER_DECADE * 5 + 1  # 100 s and slower
ONE_SECOND = PER_DECADE * 3 + 1  # the first bucket from 1,000 ms on


def bucket_of(ms: float) -> int:
    if ms < 1.0:
        return 0
    return min(LAST, math.floor(PER_DECADE * math.log10(ms)) + 1)


def bucket_middle(bucket: int) -> float:
    """The geometric middle of a bucket, in ms (0.5 ms for the first)."""
    if bucket == 0:
        return 0.5
    return float(10 ** ((bucket - 0.5) / PER_DECADE))


def percentile(counts: Mapping[int, int], fraction: float) -> float | None:
    """The time below which ``fraction`` of the counted interactions fall (a bucket's middle),
    or None when nothing was counted."""
    total = sum(counts.values())
    if total == 0:
        return None
    rank = fraction * total
    seen = 0
    for bucket in sorted(counts):
        seen += counts[bucket]
        if seen >= rank:
            return bucket_middle(bucket)
    return bucket_middle(max(counts))


def share_over_one_second(counts: Mapping[int, int]) -> float | None:
    total = sum(counts.values())
    if total == 0:
        return None
    return sum(n for bucket, n in counts.items() if bucket >= ONE_SECOND) / total


def counted(times_ms: Iterable[float]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for ms in times_ms:
        bucket = bucket_of(ms)
        counts[bucket] = counts.get(bucket, 0) + 1
    return counts
