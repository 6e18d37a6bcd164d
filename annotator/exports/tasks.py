"""Celery tasks of datasets: run on the shared batch queue (``MASKLOOP_BATCH_QUEUE``), never on
a worker that answers clicks."""

from __future__ import annotations

from celery import shared_task

from annotator.exports import import_services, services


@shared_task(acks_late=True)
def run_export(job_id: int) -> None:
    services.export_run(job_id=job_id)


@shared_task(acks_late=True)
def run_import(job_id: int) -> None:
    import_services.import_run(job_id=job_id)
