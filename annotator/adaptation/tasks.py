"""Celery tasks of online adaptation (torch is imported only where SAM runs)."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def adapt_class_decoder(session_id: int) -> None:
    """Adapt the session's class decoder from its accepted mask and clicks (SAM only)."""
    from annotator.adaptation.runtime import adapt_after_accept

    adapt_after_accept(session_id)


@shared_task(ignore_result=True)
def run_replay_check(check_id: int) -> None:
    """Replay the class's latest accepted objects with two decoders (a pending replay check)."""
    from annotator.adaptation.replay import replay_check_run

    replay_check_run(check_id)
