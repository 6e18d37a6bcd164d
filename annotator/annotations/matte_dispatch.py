"""Asking for an object's matte: the claim, and its computation started on the batch queue once
the request's transaction commits (in the embedded set-up, tasks eager, it runs in this process
then, before the answer)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from annotator.annotations import matte_services, tasks
from annotator.annotations.models import Annotation, AnnotationMatte


def matte_request(*, annotation: Annotation, retry: bool = False) -> AnnotationMatte:
    """The matte of the object's current revision as it stands after this request: its
    computation started when nobody had started it (or ``retry`` for a failed one)."""
    with transaction.atomic():
        matte, start = matte_services.matte_claim(annotation=annotation, retry=retry)
        if start:
            transaction.on_commit(
                lambda: tasks.compute_matte.apply_async((matte.id,), queue=settings.MASKLOOP_BATCH_QUEUE)
            )
    if start:  # tasks eager: it ran; dropped when the object changed meanwhile (still pending)
        return AnnotationMatte.objects.filter(id=matte.id).first() or matte
    return matte
