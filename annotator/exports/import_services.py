"""Writes of dataset import: a job for one (its files kept until it has run), and running it.

COCO comes as one zip holding the images and the instances JSON (every ``*.json`` of it is
imported), or as the images (a zip or folder) and the JSON apart; an archive is the zip
``export`` made; images alone are a zip or folder of them.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from annotator.common.errors import DomainError, InvalidInput
from annotator.exports.importers.archive import import_archive
from annotator.exports.importers.coco import import_coco
from annotator.exports.importers.images import import_images
from annotator.exports.importers.report import ImportReport
from annotator.exports.importers.source import Source
from annotator.exports.models import ImportFormat, ImportJob, JobState
from annotator.exports.services import JobProgress
from annotator.projects.models import Project

logger = logging.getLogger(__name__)


def _load(raw: bytes, name: str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{name} is not valid JSON ({error}).", code="malformed_json") from None


def import_from(
    *,
    project: Project,
    user: User,
    format: str,
    images: Path,
    annotations: Path | None,
    progress: Callable[[int, int], None],
) -> dict[str, Any]:
    """Import into the project from ``images`` (a zip or folder) and, for COCO, ``annotations``
    (or the JSON files inside ``images``); returns the report. A file that cannot be read at all
    refuses the run before anything is written (InvalidInput)."""
    if format not in ImportFormat.values:
        raise InvalidInput(f"Unknown import format {format!r}.", code="invalid_format")
    source = Source(images)
    report = ImportReport(progress)
    try:
        if format == ImportFormat.IMAGES:
            import_images(project=project, user=user, source=source, report=report)
        elif format == ImportFormat.MASKLOOP:
            document = (
                _load(source.read("maskloop.json"), "maskloop.json")
                if "maskloop.json" in source.names
                else None
            )
            if document is None:
                raise InvalidInput("The archive holds no maskloop.json.", code="malformed_archive")
            import_archive(project=project, user=user, document=document, source=source, report=report)
        else:
            documents = (
                [(annotations.name, annotations.read_bytes())]
                if annotations is not None
                else [(name, source.read(name)) for name in source.json_files()]
            )
            if not documents:
                raise InvalidInput("No COCO instances JSON was given.", code="malformed_coco")
            for name, raw in documents:
                import_coco(
                    project=project, user=user, document=_load(raw, name), source=source, report=report
                )
    finally:
        source.close()
    return report.data


@transaction.atomic
def import_job_create(
    *, project: Project, user: User, format: str, upload: UploadedFile, annotations: UploadedFile | None
) -> ImportJob:
    """A queued import job holding its files (``dispatch.import_request`` also starts it)."""
    if format not in ImportFormat.values:
        raise InvalidInput(f"Unknown import format {format!r}.", code="invalid_format")
    job = ImportJob(project=project, created_by=user, format=format)
    job.upload.save(f"{project.id}/{upload.name or 'upload.zip'}", upload, save=False)
    if annotations is not None:
        job.annotations.save(
            f"{project.id}/{annotations.name or 'annotations.json'}", annotations, save=False
        )
    job.save()
    return job


def import_run(*, job_id: int) -> ImportJob:
    """Run an import job; its files are deleted once it has run, whatever came of it."""
    job = ImportJob.objects.select_related("project", "created_by").get(id=job_id)
    if job.state != JobState.QUEUED:
        return job
    ImportJob.objects.filter(id=job.id).update(state=JobState.RUNNING, started_at=timezone.now())
    try:
        with tempfile.TemporaryDirectory() as scratch:
            upload = _local(job.upload, Path(scratch) / "upload")
            annotations = (
                _local(job.annotations, Path(scratch) / "annotations.json") if job.annotations else None
            )
            report = import_from(
                project=job.project, user=job.created_by, format=job.format, images=upload,
                annotations=annotations, progress=JobProgress(job),
            )  # fmt: skip
    except DomainError as error:
        ImportJob.objects.filter(id=job.id).update(
            state=JobState.FAILED, error=error.detail[:500], finished_at=timezone.now()
        )
    except Exception as error:
        logger.exception("import %s failed", job.id)
        ImportJob.objects.filter(id=job.id).update(
            state=JobState.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
    else:
        ImportJob.objects.filter(id=job.id).update(
            state=JobState.DONE, report=report, finished_at=timezone.now()
        )
    job.refresh_from_db()
    job.upload.delete(save=False)
    if job.annotations:
        job.annotations.delete(save=False)
    return job


def _local(stored: Any, path: Path) -> Path:
    """A stored file as a local path (copied: storage need not be a local disk)."""
    with stored.open("rb") as source, path.open("wb") as target:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            target.write(chunk)
    return path
