"""Writes of mattes: one row per object revision (``AnnotationMatte``), claimed by the first
request that asks for it, computed by a task on the batch queue (``matte_dispatch`` starts it),
stored in media storage under a path of the object and revision.

Claims are made on the row (its unique object and revision, and conditional updates of its
state), so requests that ask at once start one computation between them. A matte stored for a
revision removes the object's earlier revisions' mattes, files and rows.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from annotator.annotations.mattes import ImageRegions, matte_png
from annotator.annotations.models import Annotation, AnnotationMatte, MatteState

logger = logging.getLogger(__name__)


def matte_path(*, annotation: Annotation, revision: int) -> str:
    return f"mattes/{annotation.project_id}/{annotation.id}/r{revision}.png"


@transaction.atomic
def matte_claim(*, annotation: Annotation, retry: bool = False) -> tuple[AnnotationMatte, bool]:
    """The matte of the object's current revision, and whether the caller is to start its
    computation: when it was asked for the first time, when ``retry`` asks again for a failed
    one, when a pending one has waited longer than ``MASKLOOP_MATTE_STALE_SECONDS`` (its task
    was lost), or when a ready one's file is gone. Of callers at once, one is told to."""
    now = timezone.now()
    matte, created = AnnotationMatte.objects.get_or_create(
        annotation=annotation, revision=annotation.revision, defaults={"requested_at": now}
    )
    if created:
        return matte, True
    stale = now - timedelta(seconds=settings.MASKLOOP_MATTE_STALE_SECONDS)
    again = (
        (matte.state == MatteState.FAILED and retry)
        or (matte.state == MatteState.PENDING and matte.requested_at < stale)
        or (matte.state == MatteState.READY and not default_storage.exists(matte.file.name or ""))
    )
    if not again:
        return matte, False
    claimed = AnnotationMatte.objects.filter(
        id=matte.id, state=matte.state, requested_at=matte.requested_at
    ).update(state=MatteState.PENDING, requested_at=now, error="", file="", finished_at=None)
    matte.refresh_from_db()
    return matte, claimed == 1


def matte_compute(*, matte_id: int) -> None:
    """Compute a pending matte and store it (its row ready), or record why it failed. A matte of
    a revision that is no longer the object's is dropped: nobody will ask for it again."""
    matte = AnnotationMatte.objects.select_related("annotation__image").filter(id=matte_id).first()
    if matte is None or matte.state != MatteState.PENDING:
        return
    annotation = matte.annotation
    if annotation.revision != matte.revision:
        _drop([matte])
        return
    try:
        regions = ImageRegions(annotation.image, settings.MASKLOOP_MATTE_MAX_PIXELS)
        png = matte_png(regions=regions, mask=annotation.mask, max_pixels=settings.MASKLOOP_MATTE_MAX_PIXELS)
    except Exception as error:
        logger.exception("matte %s of annotation %s failed", matte.id, annotation.id)
        AnnotationMatte.objects.filter(id=matte.id, state=MatteState.PENDING).update(
            state=MatteState.FAILED,
            error=str(error)[:500] or type(error).__name__,
            finished_at=timezone.now(),
        )
        return
    _keep(matte, png)


def _keep(matte: AnnotationMatte, png: bytes) -> None:
    """Store ``png`` as the pending ``matte`` (ready); the object's earlier revisions' mattes go.
    Nothing is kept when the object changed meanwhile, or another run stored it first."""
    name = default_storage.save(
        matte_path(annotation=matte.annotation, revision=matte.revision), ContentFile(png)
    )
    with transaction.atomic():
        if not Annotation.all_objects.filter(id=matte.annotation_id, revision=matte.revision).exists():
            _drop([matte])
            transaction.on_commit(lambda: _delete_files([name]))
            return
        stored = AnnotationMatte.objects.filter(id=matte.id, state=MatteState.PENDING).update(
            state=MatteState.READY, file=name, error="", finished_at=timezone.now()
        )
        if not stored:
            transaction.on_commit(lambda: _delete_files([name]))
            return
        _drop(
            list(
                AnnotationMatte.objects.filter(annotation_id=matte.annotation_id, revision__lt=matte.revision)
            )
        )


def _drop(mattes: list[AnnotationMatte]) -> None:
    """Delete mattes' rows, and their files once that commits."""
    names = [m.file.name for m in mattes if m.file.name]
    AnnotationMatte.objects.filter(id__in=[m.id for m in mattes]).delete()
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
