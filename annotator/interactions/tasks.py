"""Celery tasks of the live path: take ids, call the service, relay what it produced."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from annotator.interactions import relay, services


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def advance_session(session_id: int) -> None:
    """Apply the session's pending events in order and push the results to its pages."""
    messages = services.session_advance(session_id=session_id)
    relay.send_to_session(session_id, messages)
