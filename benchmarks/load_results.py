"""What a load or fault run reports: round-trip percentiles, what the pages sent and heard, the
CPU each process used, and the database's checks against what the pages last saw."""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.robot_annotator import RobotLog


def percentiles(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    array = np.asarray(values)
    return {
        "n": len(values),
        **{f"p{q}": round(float(np.percentile(array, q)), 1) for q in (50, 95, 99)},
        "max": round(float(array.max()), 1),
    }


def database_checks(logs: list[RobotLog], project_id: int) -> dict[str, int]:
    """What the database holds against what the pages last saw."""
    from annotator.annotations.models import Annotation
    from annotator.interactions.models import EventStatus, InteractionEvent
    from inference.masks import rle

    missing = mismatched = clicks_differ = 0
    for log in logs:
        for accepted in log.accepted:
            saved = Annotation.objects.filter(source_session_id=accepted.session_id).first()
            if saved is None:
                missing += 1
                continue
            if not np.array_equal(rle.decode(saved.mask), rle.decode(accepted.mask)):
                mismatched += 1
            applied = InteractionEvent.objects.filter(
                session_id=accepted.session_id, kind="click", status=EventStatus.APPLIED
            ).count()
            clicks_differ += applied != accepted.clicks
    pending = InteractionEvent.objects.filter(
        session__image__project_id=project_id, status=EventStatus.PENDING
    ).count()
    return {
        "objects_saved": sum(len(log.accepted) for log in logs),
        "saved_objects_missing": missing,
        "saved_mask_differs_from_page": mismatched,
        "sessions_whose_applied_clicks_differ": clicks_differ,
        "events_left_pending": pending,
    }


def result_of(
    logs: list[RobotLog],
    hit: set[str],
    window: tuple[float, float] | None,
    cpu_before: dict[str, float],
    cpu_after: dict[str, float],
    wall: float,
    project_id: int,
) -> dict[str, Any]:
    records = [record for log in logs for record in log.records if record["kind"] == "click"]
    accepts = [record["rtt_ms"] for log in logs for record in log.records if record["kind"] == "accept"]
    if window is not None:
        records = [r for r in records if window[0] <= r["at"] <= window[1]]
    hit_rtt = [r["rtt_ms"] for r in records if r["robot"] in hit]
    other_rtt = [r["rtt_ms"] for r in records if r["robot"] not in hit]
    errors: dict[str, int] = {}
    for log in logs:
        for code, count in log.errors.items():
            errors[code] = errors.get(code, 0) + count
    return {
        "sent": sum(log.sent for log in logs),
        "answered": sum(log.answered for log in logs),
        "lost": sum(len(log.unanswered) for log in logs),
        "answered_twice": sum(log.second_answers for log in logs),
        "resyncs": sum(log.resyncs for log in logs),
        "reconnects": sum(log.reconnects for log in logs),
        "errors": errors,
        "clicks_per_second": round(
            sum(1 for log in logs for r in log.records if r["kind"] == "click") / wall, 2
        ),
        "round_trip_ms": percentiles([r["rtt_ms"] for r in records]),
        "accept_ms": percentiles(accepts),
        "round_trip_ms_hit": percentiles(hit_rtt),
        "round_trip_ms_others": percentiles(other_rtt),
        # None for a process that is gone (killed): its CPU time went with it.
        "cores_used": {
            name: round((cpu_after[name] - cpu_before.get(name, 0.0)) / wall, 2)
            if cpu_after[name] >= cpu_before.get(name, 0.0)
            else None
            for name in cpu_after
        },
        "database": database_checks(logs, project_id),
    }
