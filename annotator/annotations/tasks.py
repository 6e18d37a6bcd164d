"""Celery tasks of annotations: mattes, on the shared batch queue (``MASKLOOP_BATCH_QUEUE``),
never on a worker that answers clicks."""

from __future__ import annotations

from celery import shared_task

from annotator.annotations import matte_services


@shared_task(acks_late=True)
def compute_matte(matte_id: int) -> None:
    """A failure is kept on the matte (``failed``, and why) for the page to show; asking again
    with ``?retry=1`` starts it anew, so the task itself does not retry."""
    matte_services.matte_compute(matte_id=matte_id)
