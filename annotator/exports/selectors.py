"""Reads of dataset jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from annotator.common.errors import NotFound
from annotator.exports.models import ExportJob, ImportJob


def export_jobs(*, project_id: int) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(project_id=project_id).select_related("created_by").order_by("-id")


def export_job_get(*, project_id: int, job_id: int) -> ExportJob:
    job = export_jobs(project_id=project_id).filter(id=job_id).first()
    if job is None:
        raise NotFound("No such export in this project.", code="unknown_export")
    return job


def import_jobs(*, project_id: int) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(project_id=project_id).select_related("created_by").order_by("-id")


def import_job_get(*, project_id: int, job_id: int) -> ImportJob:
    job = import_jobs(project_id=project_id).filter(id=job_id).first()
    if job is None:
        raise NotFound("No such import in this project.", code="unknown_import")
    return job
