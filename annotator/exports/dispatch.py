"""Asking for an export or an import: the job, started on the batch queue once the request's
transaction commits (in the embedded set-up it runs in this process at once)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from annotator.exports import import_services, services, tasks
from annotator.exports.models import ExportJob, ImportJob
from annotator.projects.models import Project


def export_request(*, project: Project, user: User, format: str, options: dict[str, Any]) -> ExportJob:
    job = services.export_job_create(project=project, user=user, format=format, options=options)
    transaction.on_commit(
        lambda: tasks.run_export.apply_async((job.id,), queue=settings.MASKLOOP_BATCH_QUEUE)
    )
    return job


def import_request(
    *, project: Project, user: User, format: str, upload: UploadedFile, annotations: UploadedFile | None
) -> ImportJob:
    job = import_services.import_job_create(
        project=project, user=user, format=format, upload=upload, annotations=annotations
    )
    transaction.on_commit(
        lambda: tasks.run_import.apply_async((job.id,), queue=settings.MASKLOOP_BATCH_QUEUE)
    )
    return job
