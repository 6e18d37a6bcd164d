"""Reads of analytics: the object rows, summaries grouped by class, annotator, engine, day or
week, the NoC distribution, the learning curve per class, and service health.

Every figure is an aggregate over ``ObjectRecord`` rows (or the latency histograms) done by the
database; medians come from counts per NoC value, so no query returns one row per object
(``docs/analytics.md``: definitions and how the queries scale).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncWeek

from annotator.adaptation.models import CheckStatus, ReplayCheck
from annotator.analytics.filters import Filters
from annotator.analytics.histograms import percentile, share_over_one_second
from annotator.analytics.models import LatencyBucket, Measure, ObjectRecord, Outcome, ReviewOutcome, WorkKind
from annotator.common.errors import InvalidInput
from annotator.projects.models import LabelClass, Project

GROUPS = ("class", "annotator", "engine", "day", "week")
LEARNING_BINS = 40


def object_rows(*, project: Project, filters: Filters) -> QuerySet[ObjectRecord]:
    return filters.rows(project.id).select_related("label_class", "user").order_by("-ended_at", "-session_id")


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def _key(by: str) -> Any:
    """The expression grouping rows ``by`` class, annotator, engine, day or week."""
    keys = {
        "class": F("label_class_id"),
        "annotator": F("user_id"),
        "engine": F("engine"),
        "day": TruncDate("ended_at"),
        "week": TruncWeek("ended_at"),
    }
    if by not in keys:
        raise InvalidInput(f"'by' is one of {', '.join(GROUPS)}.", code="invalid_group")
    return keys[by]


def _labels(project: Project, by: str, keys: list[Any]) -> dict[Any, str]:
    if by == "class":
        return dict(LabelClass.all_objects.filter(project=project, id__in=keys).values_list("id", "name"))
    if by == "annotator":
        return dict(get_user_model().objects.filter(id__in=keys).values_list("id", "username"))
    return {key: str(_as_key(key)) for key in keys}


def _medians(rows: QuerySet[ObjectRecord], key: Any) -> dict[Any, float | None]:
    """The median NoC of the accepted new objects of each group, from counts per NoC value."""
    counts: dict[Any, dict[int, int]] = defaultdict(dict)
    accepted = rows.filter(kind=WorkKind.OUTLINE, outcome=Outcome.ACCEPTED).annotate(group=key)
    for group, noc, n in accepted.values_list("group", "noc").annotate(n=Count("*")).order_by():
        counts[group][noc] = n
    return {group: _median_of_counts(c) for group, c in counts.items()}


def _median_of_counts(counts: dict[int, int]) -> float | None:
    total = sum(counts.values())
    if total == 0:
        return None
    ordered = sorted(counts)

    def at(rank: int) -> int:  # the value at 0-based rank
        seen = 0
        for value in ordered:
            seen += counts[value]
            if seen > rank:
                return value
        return ordered[-1]

    return (at((total - 1) // 2) + at(total // 2)) / 2


AGGREGATES: dict[str, Any] = {
    "objects": Count("session_id", filter=Q(kind=WorkKind.OUTLINE)),
    "accepted": Count("session_id", filter=Q(kind=WorkKind.OUTLINE, outcome=Outcome.ACCEPTED)),
    "abandoned": Count("session_id", filter=Q(kind=WorkKind.OUTLINE, outcome=Outcome.ABANDONED)),
    "noc_mean": Avg("noc", filter=Q(kind=WorkKind.OUTLINE, outcome=Outcome.ACCEPTED)),
    "reviewed": Count("session_id", filter=~Q(review=ReviewOutcome.NONE)),
    "rejected": Count("session_id", filter=Q(review=ReviewOutcome.REJECTED)),
    "deleted_objects": Count("session_id", filter=Q(kind=WorkKind.OUTLINE, deleted=True)),
    "corrections": Count("session_id", filter=Q(kind=WorkKind.CORRECTION, outcome=Outcome.ACCEPTED)),
    "active_total": Sum("active_seconds"),
    "active_mean_seconds": Avg("active_seconds", filter=Q(kind=WorkKind.OUTLINE, outcome=Outcome.ACCEPTED)),
    "interactions": Sum(F("noc") + F("brush_strokes")),
}


def summary(*, project: Project, filters: Filters, by: str) -> list[dict[str, Any]]:
    """One row per group (``by``: class, annotator, engine, day or week), newest period first
    for days and weeks, else by objects: counts, NoC mean and median, the three failure
    shares and time. ``docs/analytics.md`` defines each."""
    key = _key(by)
    rows = filters.rows(project.id)
    limit = project.noc_limit
    grouped: Any = (
        rows.annotate(group=key)
        .values("group")
        .annotate(
            **AGGREGATES,
            over_limit=Count(
                "session_id", filter=Q(kind=WorkKind.OUTLINE, outcome=Outcome.ACCEPTED, noc__gt=limit)
            ),
        )
        .order_by("group")
    )
    groups: list[dict[str, Any]] = [dict(g) for g in grouped]
    medians = _medians(rows, key)
    labels = _labels(project, by, [g["group"] for g in groups])
    out = []
    for g in groups:
        group = g["group"]
        out.append(_figures(g, labels.get(group, str(group)), medians.get(group), group))
    if by in ("day", "week"):
        return sorted(out, key=lambda g: g["key"], reverse=True)
    return sorted(out, key=lambda g: (-g["objects"], g["name"]))


def totals(*, project: Project, filters: Filters) -> dict[str, Any]:
    rows = filters.rows(project.id)
    limit = project.noc_limit
    figures = rows.aggregate(
        **AGGREGATES,
        over_limit=Count(
            "session_id", filter=Q(kind=WorkKind.OUTLINE, outcome=Outcome.ACCEPTED, noc__gt=limit)
        ),
    )
    median = _medians(rows, F("project_id")).get(project.id)
    return {**_figures(figures, "all", median, "all"), "noc_limit": limit}


def _as_key(key: Any) -> Any:
    """A group's key as JSON has it: a day for days and weeks (a week by its Monday)."""
    if isinstance(key, datetime):
        key = key.date()
    return key.isoformat() if isinstance(key, date) else key


def _figures(g: dict[str, Any], name: str, median: float | None, key: Any) -> dict[str, Any]:
    return {
        "key": _as_key(key),
        "name": name,
        "objects": g["objects"],
        "accepted": g["accepted"],
        "abandoned": g["abandoned"],
        "abandoned_share": _share(g["abandoned"], g["objects"]),
        "noc_mean": g["noc_mean"],
        "noc_median": median,
        "over_limit": g["over_limit"],
        "over_limit_share": _share(g["over_limit"], g["accepted"]),
        "reviewed": g["reviewed"],
        "rejected": g["rejected"],
        "rejected_share": _share(g["rejected"], g["reviewed"]),
        "deleted": g["deleted_objects"],
        "corrections": g["corrections"],
        "active_hours": (g["active_total"] or 0.0) / 3600.0,
        "active_mean_seconds": g["active_mean_seconds"],
        "interactions": g["interactions"] or 0,
    }


def noc_distribution(*, project: Project, filters: Filters) -> dict[str, Any]:
    """How many accepted new objects took each number of model interactions, and how many
    were abandoned."""
    rows = filters.rows(project.id).filter(kind=WorkKind.OUTLINE)
    counts = dict(
        rows.filter(outcome=Outcome.ACCEPTED).values_list("noc").annotate(n=Count("*")).order_by("noc")
    )
    return {
        "counts": [{"noc": noc, "objects": n} for noc, n in sorted(counts.items())],
        "abandoned": rows.filter(outcome=Outcome.ABANDONED).count(),
        "noc_limit": project.noc_limit,
    }


@dataclass(frozen=True)
class Trend:
    """Least squares of NoC over the objects' order (0 the first): NoC ≈ intercept + slope·i."""

    slope: float
    intercept: float


def _trend(n: float, sx: float, sxx: float, sy: float, sxy: float) -> Trend | None:
    denominator = n * sxx - sx * sx
    if n < 2 or denominator == 0:
        return None
    slope = (n * sxy - sx * sy) / denominator
    return Trend(slope=slope, intercept=(sy - slope * sx) / n)


LEARNING_SQL = """
WITH ranked AS (
    SELECT label_class_id, noc,
           ROW_NUMBER() OVER (PARTITION BY label_class_id ORDER BY ended_at, session_id) - 1 AS i,
           COUNT(*) OVER (PARTITION BY label_class_id) AS n
    FROM {table} WHERE session_id IN ({rows})
)
SELECT label_class_id, (i * {bins}) / n AS bin,
       COUNT(*), SUM(i), SUM(i * i), SUM(noc), SUM(i * noc), MIN(i), MAX(i)
FROM ranked GROUP BY label_class_id, (i * {bins}) / n ORDER BY label_class_id, bin
"""


def learning(*, project: Project, filters: Filters) -> list[dict[str, Any]]:
    """Per class: the NoC of its accepted new objects in the order they were made, in up to 40
    bins (mean NoC of each), the least-squares trend over every object, the mean NoC per class
    decoder version (SAM), and its finished replay checks."""
    rows = filters.rows(project.id).filter(kind=WorkKind.OUTLINE, outcome=Outcome.ACCEPTED)
    inner, params = rows.values("session_id").query.sql_with_params()
    sql = LEARNING_SQL.format(table=ObjectRecord._meta.db_table, rows=inner, bins=LEARNING_BINS)
    series: dict[int, dict[str, Any]] = defaultdict(lambda: {"bins": [], "sums": [0.0] * 5})
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for class_id, _, count, sx, sxx, sy, sxy, first, last in cursor.fetchall():
            entry = series[class_id]
            entry["bins"].append(
                {"first": first + 1, "last": last + 1, "objects": count, "noc_mean": sy / count}
            )
            for index, value in enumerate((count, sx, sxx, sy, sxy)):
                entry["sums"][index] += float(value)
    by_version: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for class_id, version, n, mean in (
        rows.exclude(decoder_version=None)
        .values_list("label_class_id", "decoder_version")
        .annotate(n=Count("*"), mean=Avg("noc"))
        .order_by("label_class_id", "decoder_version")
    ):
        by_version[class_id].append({"version": version, "objects": n, "noc_mean": mean})
    names = dict(LabelClass.all_objects.filter(project=project).values_list("id", "name"))
    checks = _replay_checks(list(series))
    out = []
    for class_id, entry in series.items():
        trend = _trend(*entry["sums"])
        n = int(entry["sums"][0])
        out.append({
            "class_id": class_id,
            "name": names.get(class_id, str(class_id)),
            "objects": n,
            "bins": entry["bins"],
            "trend": None if trend is None else {
                "slope_per_100": trend.slope * 100,
                "start": trend.intercept,
                "end": trend.intercept + trend.slope * (n - 1),
            },
            "by_version": by_version.get(class_id, []),
            "replay_checks": checks.get(class_id, []),
        })  # fmt: skip
    return sorted(out, key=lambda c: (-c["objects"], c["name"]))


def _replay_checks(class_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    checks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    done = ReplayCheck.objects.filter(label_class_id__in=class_ids, status=CheckStatus.DONE).order_by("id")
    for check in done:
        result = check.result or {}
        current, candidate = result.get("current", {}), result.get("candidate", {})
        checks[check.label_class_id].append({
            "id": check.id, "finished_at": check.finished_at, "objects": result.get("objects"),
            "current_version": check.current_version, "candidate_version": check.candidate_version,
            "current_noc90": current.get("noc90"), "candidate_noc90": candidate.get("noc90"),
            "current_fr90": current.get("fr_90"), "candidate_fr90": candidate.get("fr_90"),
        })  # fmt: skip
    return checks


def health(*, project: Project, filters: Filters, by: str) -> list[dict[str, Any]]:
    """Round trip and engine time of the model interactions per day (UTC) or per worker: p50
    and p95 (from the histograms, within 5 %), and the share over one second."""
    if by not in ("day", "worker"):
        raise InvalidInput("'by' is day or worker.", code="invalid_group")
    buckets = LatencyBucket.objects.filter(project=project)
    if filters.date_from is not None:
        buckets = buckets.filter(day__gte=filters.date_from)
    if filters.date_to is not None:
        buckets = buckets.filter(day__lte=filters.date_to)
    counts: dict[Any, dict[str, dict[int, int]]] = defaultdict(lambda: {m: {} for m in Measure.values})
    for key, measure, bucket, n in (
        buckets.values_list(by, "measure", "bucket").annotate(n=Sum("count")).order_by()
    ):
        counts[key][measure][bucket] = n

    def figures(key: Any, measures: dict[str, dict[int, int]]) -> dict[str, Any]:
        rtt, engine = measures[Measure.ROUND_TRIP], measures[Measure.ENGINE]
        return {
            "key": _as_key(key),
            "interactions": sum(rtt.values()),
            "rtt_p50_ms": percentile(rtt, 0.50),
            "rtt_p95_ms": percentile(rtt, 0.95),
            "over_one_second": share_over_one_second(rtt),
            "engine_p50_ms": percentile(engine, 0.50),
            "engine_p95_ms": percentile(engine, 0.95),
        }

    order: Callable[[dict[str, Any]], Any] = lambda g: g["key"]  # noqa: E731
    return sorted((figures(k, m) for k, m in counts.items()), key=order, reverse=by == "day")
