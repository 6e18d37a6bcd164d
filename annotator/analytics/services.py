"""Writes of analytics: an object's row when its session ends (accepted, cancelled, or left by
its page), its later changes (deleted, corrected, reviewed), and the backfill of sessions
that have no row.

A row is computed from the session's whole event log by ``figures`` and stored in one upsert,
so a session left and then resumed and accepted ends with the row of its accept. Each model
interaction's times go into the histograms once (``timed_through``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from annotator.adaptation.models import ClassDecoder
from annotator.adaptation.selectors import project_adaptation
from annotator.analytics import row_queries
from annotator.analytics.figures import APPLIED, Figures, LoggedEvent, session_figures, worked
from annotator.analytics.histograms import bucket_of
from annotator.analytics.models import LatencyBucket, Measure, ObjectRecord, Outcome, WorkKind
from annotator.annotations.models import Annotation, AnnotationRevision
from annotator.interactions.models import InteractionEvent, InteractionSession, SessionState
from annotator.projects.engines import capabilities
from annotator.review.models import ObjectReview

BATCH = 500


@dataclass(frozen=True)
class Saved:
    """What a session saved: the object, its revision, and what became of it since."""

    annotation_id: int
    revision: int
    deleted: bool = False
    later_revisions: int = 0
    review: str = ""


def _decoder_versions(sessions: Iterable[InteractionSession]) -> dict[int, int | None]:
    """The class decoder's version now, for each session on an engine that learns online (SAM)
    in a project that adapts it."""
    versions: dict[int, int | None] = {}
    sam = [s for s in sessions if capabilities(s.engine).learns_online]
    if not sam:
        return versions
    adapting = {p: project_adaptation(project_id=p)["enabled"] for p in {s.project_id for s in sam}}
    classes = {s.label_class_id for s in sam if adapting[s.project_id]}
    heads = dict(
        ClassDecoder.objects.filter(label_class_id__in=classes).values_list("label_class_id", "version")
    )
    for session in sam:
        if adapting[session.project_id]:
            versions[session.id] = heads.get(session.label_class_id, 0)
    return versions


def _row(
    session: InteractionSession, events: list[LoggedEvent], saved: Saved | None, version: int | None
) -> tuple[ObjectRecord, Figures]:
    figures = session_figures(events, settings.MASKLOOP_ANALYTICS_IDLE_SECONDS)
    starts = any(e.kind == "start" and e.status == APPLIED for e in events)
    row = ObjectRecord(
        session_id=session.id,
        project_id=session.project_id,
        image_id=session.image_id,
        label_class_id=session.label_class_id,
        user_id=session.user_id,
        kind=WorkKind.CORRECTION if starts else WorkKind.OUTLINE,
        annotation_id=saved.annotation_id if saved else None,
        revision=saved.revision if saved else None,
        engine=session.engine,
        pipeline=session.pipeline,
        decoder_version=version,
        outcome=Outcome.ACCEPTED if saved else Outcome.ABANDONED,
        deleted=saved.deleted if saved else False,
        later_revisions=saved.later_revisions if saved else 0,
        review=saved.review if saved else "",
        timed_through=figures.last_event_id,
        **figures.columns(),
    )
    return row, figures


def _store(rows: list[tuple[ObjectRecord, Figures]], counted: dict[int, int]) -> None:
    """Upsert the rows and count their interactions' times not counted yet (``counted``: the
    last event each session's row counted before)."""
    if not rows:
        return
    row_queries.rows_upsert([row for row, _ in rows])
    buckets: dict[tuple[int, object, str, str, int], int] = {}
    for row, figures in rows:
        for timing in figures.timings:
            if timing.event_id <= counted.get(row.session_id, 0):
                continue
            times = [(Measure.ROUND_TRIP, timing.rtt_ms)]
            if timing.engine_ms is not None:
                times.append((Measure.ENGINE, timing.engine_ms))
            for measure, ms in times:
                key = (row.project_id, timing.day, timing.worker, str(measure), bucket_of(ms))
                buckets[key] = buckets.get(key, 0) + 1
    _add_counts(buckets)


def _add_counts(buckets: dict[tuple[int, object, str, str, int], int]) -> None:
    """Add to the histograms' counts in one statement (PostgreSQL and SQLite both upsert)."""
    if not buckets:
        return
    table = LatencyBucket._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(buckets))
    params: list[Any] = []
    for (project_id, day, worker, measure, bucket), count in buckets.items():
        params += [project_id, day, worker, measure, bucket, count]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (project_id, day, worker, measure, bucket, count) VALUES {values} "
            "ON CONFLICT (project_id, day, worker, measure, bucket) "
            f"DO UPDATE SET count = {table}.count + excluded.count",
            params,
        )


def record_ended(*, session: InteractionSession, events: Sequence[InteractionEvent]) -> None:
    """The row of a session a step just ended (call inside the step's transaction): accepted,
    with the object its accept saved (``events`` are the step's, the accept among them), or
    cancelled, if it did any work."""
    accept = next((e for e in events if e.kind == "accept" and e.status == APPLIED), None)
    saved = None
    if accept is not None and accept.result:
        saved = Saved(int(accept.result["annotation_id"]), int(accept.result["revision"]))
    logs, counted = row_queries.session_logs([session.id])
    log = logs[session.id]
    if saved is None and not worked(log):
        return
    _store([_row(session, log, saved, _decoder_versions([session]).get(session.id))], counted)


def record_left(*, session_ids: Sequence[int]) -> None:
    """Rows for open sessions whose page left them: abandoned (if they did any work), until the
    page comes back and accepts."""
    sessions = list(InteractionSession.objects.filter(id__in=session_ids, state=SessionState.OPEN))
    _record_abandoned(sessions)


def _record_abandoned(sessions: list[InteractionSession]) -> None:
    logs, counted = row_queries.session_logs([s.id for s in sessions])
    versions = _decoder_versions(sessions)
    with transaction.atomic():
        rows = [_row(s, logs[s.id], None, versions.get(s.id)) for s in sessions if worked(logs[s.id])]
        _store(rows, counted)


def _saved_by(sessions: list[InteractionSession]) -> dict[int, Saved]:
    """What each accepted session saved, and what became of it since (from the database)."""
    revisions = (
        AnnotationRevision.objects.filter(session_id__in=[s.id for s in sessions])
        .order_by("number")
        .values_list(
            "session_id", "annotation_id", "number", "annotation__revision", "annotation__deleted_at"
        )
    )
    saved: dict[int, Saved] = {}
    for session_id, annotation_id, number, latest, deleted_at in revisions:
        saved[session_id] = Saved(annotation_id, number, deleted_at is not None, latest - number)
    verdicts = {
        (a, r): v
        for a, r, v in ObjectReview.objects.filter(
            annotation_id__in=[s.annotation_id for s in saved.values()]
        ).order_by("id").values_list("annotation_id", "revision", "verdict")
    }  # fmt: skip
    return {
        session_id: Saved(
            s.annotation_id,
            s.revision,
            s.deleted,
            s.later_revisions,
            verdicts.get((s.annotation_id, s.revision), ""),
        )
        for session_id, s in saved.items()
    }


def records_backfill(*, project_id: int | None = None, now: datetime | None = None) -> int:
    """Write the row of every ended session (and of every open one whose last event is older
    than ``MASKLOOP_ANALYTICS_ABANDONED_AFTER_MINUTES``: abandoned) that has none; returns how
    many were written. The same figures as the live path, computed in batches."""
    now = now or timezone.now()
    quiet = now - timedelta(minutes=settings.MASKLOOP_ANALYTICS_ABANDONED_AFTER_MINUTES)
    sessions = (
        InteractionSession.objects.filter(record__isnull=True)
        .annotate(logged=Count("events"), last=Max("events__created_at"))
        .filter(
            Q(state__in=[SessionState.ACCEPTED, SessionState.CANCELLED]) | Q(last__lt=quiet), logged__gt=0
        )
    )
    if project_id is not None:
        sessions = sessions.filter(project_id=project_id)
    written = 0
    ids = list(sessions.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = list(InteractionSession.objects.filter(id__in=ids[start : start + BATCH]).order_by("id"))
        logs, counted = row_queries.session_logs([s.id for s in batch])
        versions = _decoder_versions(batch)
        saved = _saved_by([s for s in batch if s.state == SessionState.ACCEPTED])
        rows = [
            _row(s, logs[s.id], saved.get(s.id), versions.get(s.id))
            for s in batch
            if s.id in saved or worked(logs[s.id])
        ]
        with transaction.atomic():
            _store(rows, counted)
        written += len(rows)
    return written


def object_changed(*, annotation: Annotation) -> None:
    """A new revision of the object: its earlier rows learn it (deleted or not, revisions since)."""
    if annotation.revision == 1:
        return  # a new object: no row knows it yet
    ObjectRecord.objects.filter(annotation_id=annotation.id).update(
        deleted=annotation.deleted_at is not None, later_revisions=annotation.revision - F("revision")
    )


def verdict_recorded(*, review: ObjectReview) -> None:
    """A verdict on one revision of an object: the row of the session that saved that revision."""
    ObjectRecord.objects.filter(annotation_id=review.annotation_id, revision=review.revision).update(
        review=review.verdict
    )
