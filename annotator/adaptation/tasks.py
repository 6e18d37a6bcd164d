"""Celery task of online adaptation: one step of a class decoder after an accepted object."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def adapt_class_decoder(session_id: int) -> None:
    """Adapt the session's class decoder from its accepted mask and clicks (SAM only)."""
    from annotator.adaptation.runtime import adapt_after_accept  # torch, only where SAM runs

    adapt_after_accept(session_id)
