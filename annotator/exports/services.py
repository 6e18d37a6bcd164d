"""Writes of dataset export: a job for one, and running it into a zip on disk, entry by entry,
so memory stays bounded however large the project (``dispatch`` starts jobs on the batch
queue)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from annotator.common.errors import InvalidInput
from annotator.exports.formats import archive, coco, mattes, voc, yolo
from annotator.exports.formats.writer import ExportWriter, Progress
from annotator.exports.models import ExportFormat, ExportJob, JobState
from annotator.exports.selection import Selection, check_selection
from annotator.projects.models import Project

logger = logging.getLogger(__name__)

WRITERS: dict[str, Callable[[ExportWriter], None]] = {
    ExportFormat.COCO: partial(coco.write, as_polygons=False),
    ExportFormat.COCO_POLYGONS: partial(coco.write, as_polygons=True),
    ExportFormat.VOC: voc.write,
    ExportFormat.YOLO: yolo.write,
    ExportFormat.MATTES: mattes.write,
    ExportFormat.MASKLOOP: archive.write,
}


def export_to(
    *, project: Project, format: str, selection: Selection, path: Path, progress: Progress
) -> dict[str, Any]:
    """Write the export as a zip at ``path``; returns its report. Nothing is left at ``path``
    when it fails."""
    if format not in WRITERS:
        raise InvalidInput(
            f"Unknown format {format!r}; choose one of {', '.join(WRITERS)}.", code="invalid_format"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = ExportWriter(project, selection, path, progress)
    try:
        WRITERS[format](writer)
        writer.close()
    except BaseException:
        writer.close()
        path.unlink(missing_ok=True)
        raise
    return writer.report


@transaction.atomic
def export_job_create(*, project: Project, user: User, format: str, options: dict[str, Any]) -> ExportJob:
    """A queued export job (``dispatch.export_request`` also starts it)."""
    if format not in WRITERS:
        raise InvalidInput(
            f"Unknown format {format!r}; choose one of {', '.join(WRITERS)}.", code="invalid_format"
        )
    selection = Selection.parse(options)
    check_selection(project=project, selection=selection)
    return ExportJob.objects.create(
        project=project, created_by=user, format=format, options=selection.as_options()
    )


class JobProgress:
    """Saves a job's progress at most every half second (and at the end)."""

    def __init__(self, job: ExportJob | Any) -> None:
        self.job = job
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last >= 0.5 or done == total:
            self.last = now
            type(self.job).objects.filter(id=self.job.id).update(done=done, total=total)


def export_run(*, job_id: int) -> ExportJob:
    """Run an export job: its zip goes to ``MEDIA_ROOT/exports/<project>/``; a failure is kept
    on the job (``failed`` and why), never half a file."""
    job = ExportJob.objects.select_related("project").get(id=job_id)
    if job.state != JobState.QUEUED:
        return job
    ExportJob.objects.filter(id=job.id).update(state=JobState.RUNNING, started_at=timezone.now())
    relative = f"exports/{job.project_id}/{job.project_id}-{job.format}-{job.id}.zip"
    path = Path(settings.MEDIA_ROOT) / relative
    try:
        report = export_to(
            project=job.project,
            format=job.format,
            selection=Selection.parse(job.options),
            path=path,
            progress=JobProgress(job),
        )
    except Exception as error:
        logger.exception("export %s failed", job.id)
        ExportJob.objects.filter(id=job.id).update(
            state=JobState.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
    else:
        ExportJob.objects.filter(id=job.id).update(
            state=JobState.DONE,
            file=relative,
            size_bytes=path.stat().st_size,
            report=report,
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job
