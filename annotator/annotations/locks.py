"""Who is correcting an object right now: one session at a time holds it.

A session takes the hold when it starts correcting (the socket's ``start``), keeps it with a
beat (``hold``) at least every ``MASKLOOP_OBJECT_LOCK_SECONDS``, and gives it back when it
accepts, cancels or its page leaves. A hold nobody beat for that long lapses, and anyone may
take the object then; the page that held it can still save only if nobody changed the object
meanwhile (its accept carries the revision it started from).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from annotator.annotations.models import Annotation, AnnotationLock
from annotator.common.errors import Conflict, NotFound


def _until() -> datetime:
    return timezone.now() + timedelta(seconds=settings.MASKLOOP_OBJECT_LOCK_SECONDS)


def _held_by_other(annotation: Annotation, session_id: int | None) -> AnnotationLock | None:
    held = AnnotationLock.objects.select_related("user").filter(annotation=annotation).first()
    if held is None or held.session_id == session_id or held.expires_at <= timezone.now():
        return None
    return held


def _refusal(held: AnnotationLock) -> Conflict:
    return Conflict(
        f"{held.user.get_username()} is correcting this object (held until "
        f"{timezone.localtime(held.expires_at):%H:%M:%S}); try again when they are done.",
        code="locked",
    )


def lock_check_free(*, annotation: Annotation, session_id: int | None = None) -> None:
    """Raise ``locked`` if a session other than ``session_id`` holds the object."""
    held = _held_by_other(annotation, session_id)
    if held is not None:
        raise _refusal(held)


@transaction.atomic
def lock_take(*, annotation_id: int, session_id: int, user: User) -> AnnotationLock:
    """Hold the object for the session, or raise ``locked`` naming who holds it. The object's
    row is locked meanwhile, so two sessions asking at once get one answer each."""
    annotation = Annotation.all_objects.select_for_update().filter(id=annotation_id).first()
    if annotation is None:
        raise NotFound("No such annotation.", code="unknown_annotation")
    lock_check_free(annotation=annotation, session_id=session_id)
    held, _ = AnnotationLock.objects.update_or_create(
        annotation=annotation, defaults={"session_id": session_id, "user": user, "expires_at": _until()}
    )
    return held


def lock_beat(*, session_id: int) -> list[AnnotationLock]:
    """Keep the session's holds; returns them (none: it holds nothing, or lost its hold)."""
    AnnotationLock.objects.filter(session_id=session_id).update(expires_at=_until())
    return list(AnnotationLock.objects.filter(session_id=session_id))


def lock_release(*, session_id: int) -> None:
    AnnotationLock.objects.filter(session_id=session_id).delete()


def lock_release_all(*, session_ids: list[int]) -> None:
    AnnotationLock.objects.filter(session_id__in=session_ids).delete()
