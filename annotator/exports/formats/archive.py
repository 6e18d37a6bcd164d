"""The Maskloop archive: the whole project, to restore elsewhere without loss.

``images/<file>`` holds every image as uploaded (deleted ones too) and ``maskloop.json`` the
project's settings, classes, images with their status history, objects with every revision and
verdict, comments and finished reviews. People are named by username. The export's choices of
images and classes do not apply: an archive is the whole project.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from annotator.annotations.models import Annotation, AnnotationRevision
from annotator.exports.formats.writer import ExportWriter
from annotator.images.models import ImageAsset, ImageStatusChange
from annotator.projects.models import LabelClass
from annotator.review.models import ObjectReview, ReviewComment, ReviewRound

FORMAT_VERSION = 1
BATCH = 200


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _name(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _all_images(w: ExportWriter) -> QuerySet[ImageAsset]:
    return ImageAsset.all_objects.filter(project=w.project).order_by("id")


def _batched(query: QuerySet[Any]) -> Iterator[Any]:
    last = 0
    while True:
        batch = list(query.filter(id__gt=last)[:BATCH])
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def write(w: ExportWriter) -> None:
    total = _all_images(w).count()
    for done, image in enumerate(_batched(_all_images(w)), start=1):
        w.copy_image(image, f"images/{w.name(image)}")
        w.report["images"] = done
        w.progress(done, total)
    project = w.project
    head = {
        "format": "maskloop",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "project": {
            "name": project.name,
            "description": project.description,
            "engine": project.engine,
            "pipeline": project.pipeline,
            "assignment": project.assignment,
            "annotators_correct_others": project.annotators_correct_others,
            "noc_limit": project.noc_limit,
        },
        "classes": [
            {"id": c.id, "name": c.name, "colour": c.colour, "deleted": c.deleted_at is not None}
            for c in LabelClass.all_objects.filter(project=project).order_by("id")
        ],
    }
    w.write_json_stream(
        "maskloop.json",
        head,
        {
            "images": _images(w),
            "annotations": _annotations(w),
            "comments": _comments(w),
            "rounds": _rounds(w),
        },
    )


def _images(w: ExportWriter) -> Iterator[dict[str, Any]]:
    history = Prefetch("status_changes", ImageStatusChange.objects.select_related("user").order_by("id"))
    for image in _batched(_all_images(w).prefetch_related(history)):
        yield {
            "id": image.id,
            "file": f"images/{w.name(image)}",
            "original_name": image.original_name,
            "checksum": image.checksum,
            "width": image.width,
            "height": image.height,
            "status": image.status,
            "deleted": image.deleted_at is not None,
            "created_at": _when(image.created_at),
            "status_history": [
                {
                    "before": c.before,
                    "after": c.after,
                    "user": _name(c.user),
                    "note": c.note,
                    "at": _when(c.created_at),
                }
                for c in image.status_changes.all()
            ],
        }


def _annotations(w: ExportWriter) -> Iterator[dict[str, Any]]:
    revisions = Prefetch("revisions", AnnotationRevision.objects.select_related("user").order_by("number"))
    reviews = Prefetch("reviews", ObjectReview.objects.select_related("reviewer").order_by("id"))
    objects = Annotation.all_objects.filter(project=w.project).select_related("author", "deleted_by")
    for a in _batched(objects.prefetch_related(revisions, reviews).order_by("id")):
        w.report["objects"] += 1
        yield {
            "id": a.id,
            "image": a.image_id,
            "class": a.label_class_id,
            "author": _name(a.author),
            "created_at": _when(a.created_at),
            "deleted_at": _when(a.deleted_at),
            "deleted_by": _name(a.deleted_by),
            "revision": a.revision,
            "revisions": [
                {
                    "number": r.number,
                    "kind": r.kind,
                    "mask": r.mask,
                    "bbox": r.bbox,
                    "area": r.area,
                    "class": r.label_class_id,
                    "user": _name(r.user),
                    "at": _when(r.created_at),
                    "reverted_to": r.reverted_to,
                }
                for r in a.revisions.all()
            ],  # fmt: skip
            "reviews": [
                {
                    "revision": v.revision,
                    "verdict": v.verdict,
                    "reviewer": _name(v.reviewer),
                    "at": _when(v.created_at),
                }
                for v in a.reviews.all()
            ],
        }


def _comments(w: ExportWriter) -> Iterator[dict[str, Any]]:
    comments = ReviewComment.objects.filter(image__project=w.project).select_related("author", "resolved_by")
    for c in _batched(comments.order_by("id")):
        yield {
            "image": c.image_id, "annotation": c.annotation_id, "author": _name(c.author), "text": c.text,
            "x": c.x, "y": c.y, "at": _when(c.created_at), "resolved_at": _when(c.resolved_at),
            "resolved_by": _name(c.resolved_by),
        }  # fmt: skip


def _rounds(w: ExportWriter) -> Iterator[dict[str, Any]]:
    rounds = ReviewRound.objects.filter(image__project=w.project).select_related("reviewer")
    for r in _batched(rounds.order_by("id")):
        yield {
            "image": r.image_id, "reviewer": _name(r.reviewer), "outcome": r.outcome, "accepted": r.accepted,
            "rejected": r.rejected, "note": r.note, "at": _when(r.created_at),
        }  # fmt: skip
