"""Celery tasks of the live path: take ids, call the service, relay what it produced."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from annotator.interactions import engine_runtime, relay, services
from annotator.interactions.models import InteractionSession


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def advance_session(session_id: int) -> None:
    """Apply the session's pending events in order and push the results to its pages."""
    messages = services.session_advance(session_id=session_id)
    relay.send_to_session(session_id, messages)


@shared_task(ignore_result=True)
def prepare_session_image(session_id: int) -> None:
    """Get the session's image ready on a worker (the engine's once-per-image step), so the
    first click runs only the light per-click step."""
    session = InteractionSession.objects.select_related("image").filter(id=session_id).first()
    if session is not None:
        engine_runtime.prepared_for(session.engine, session.image)
