"""Celery tasks of online adaptation (torch is imported only where SAM runs)."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def adapt_class_decoder(session_id: int) -> None:
    """Adapt the session's class decoder from its accepted mask and clicks (SAM only)."""
    from annotator.adaptation.runtime import adapt_after_accept

    adapt_after_accept(session_id)


def learn_from_clicks(session_id: int, clicks: int) -> None:
    """Click adaptation on the session's decoder copy, in the worker that answered the clicks
    (called by that worker's task after it sent their masks; the step runs on the worker's
    adaptation thread, and the session's next click waits for it)."""
    from annotator.adaptation.runtime import adapt_after_click

    adapt_after_click(session_id, clicks)


@shared_task(ignore_result=True)
def run_replay_check(check_id: int) -> None:
    """Replay the class's latest accepted objects with two decoders (a pending replay check)."""
    from annotator.adaptation.replay import replay_check_run

    replay_check_run(check_id)
