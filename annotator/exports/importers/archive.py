"""Restoring a Maskloop archive into a project: its classes, images (with status and status
history), objects with every revision and verdict, comments and finished reviews, as they were.

People are matched by username; one this site does not know becomes an inactive account of that
name (it cannot log in), so every change stays attributed. A restore is all or nothing: one
image it cannot take (its file missing or not an image, an object that does not fit it) refuses
the whole archive, and the report says which and why. An image the project has already (the
same bytes) keeps its own state and gets the archive's objects it does not have.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from annotator.annotations.models import Annotation, AnnotationRevision
from annotator.common.errors import DomainError, InvalidInput
from annotator.exports.formats.archive import FORMAT_VERSION
from annotator.exports.importers.images import ImageRefused, add_image
from annotator.exports.importers.report import ImportReport
from annotator.exports.importers.source import Source
from annotator.images.models import ImageAsset, ImageStatusChange
from annotator.images.status import image_object_saved
from annotator.projects.models import LabelClass, Project
from annotator.review.models import ObjectReview, ReviewComment, ReviewRound


def _when(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


class _People:
    """Usernames of the archive → accounts here; a name the site does not know becomes an
    inactive account of that name (no password), so every change stays attributed to it."""

    def __init__(self, importer: User) -> None:
        self.importer = importer
        self.known: dict[str, User] = {}

    def get(self, name: str | None) -> User | None:
        if not name:
            return None
        if name not in self.known:
            model = get_user_model()
            found = model.objects.filter(username=name).first()
            if found is None:
                found = model(username=name, is_active=False)
                found.set_unusable_password()
                found.save()
            self.known[name] = found
        return self.known[name]

    def must(self, name: str | None) -> User:
        return self.get(name) or self.importer


def _classes(project: Project, records: list[dict[str, Any]]) -> dict[int, LabelClass]:
    """Archive class id → the project's class of that name (made when missing; a deleted one
    stays deleted)."""
    mapped: dict[int, LabelClass] = {}
    for record in records:
        found = LabelClass.objects.filter(project=project, name__iexact=record["name"]).first()
        if found is None:
            deleted_at = timezone.now() if record.get("deleted") else None
            after_the_others = LabelClass.all_objects.filter(project=project).count()  # the archive's order
            found = LabelClass.objects.create(
                project=project, name=record["name"], colour=record["colour"], deleted_at=deleted_at,
                position=after_the_others,
            )  # fmt: skip
        mapped[record["id"]] = found
    return mapped


def check_archive(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != "maskloop":
        raise InvalidInput("This is not a Maskloop archive (maskloop.json).", code="malformed_archive")
    if document.get("version") != FORMAT_VERSION:
        raise InvalidInput(
            f"Archive version {document.get('version')} is not {FORMAT_VERSION}.", code="malformed_archive"
        )
    for key in ("classes", "images", "annotations", "comments", "rounds"):
        if not isinstance(document.get(key), list):
            raise InvalidInput(f"The archive has no '{key}' list.", code="malformed_archive")


@transaction.atomic
def import_archive(
    *, project: Project, user: User, document: Any, source: Source, report: ImportReport
) -> None:
    check_archive(document)
    classes = _classes(project, document["classes"])
    people = _People(user)
    by_image: dict[str, dict[int, list[dict[str, Any]]]] = {"annotations": {}, "comments": {}, "rounds": {}}
    for key, grouped in by_image.items():
        for record in document[key]:
            grouped.setdefault(record["image"], []).append(record)
    report.start(len(document["images"]))
    for record in document["images"]:
        try:
            image, added = add_image(project=project, user=user, source=source, file_name=record["file"])
            if added:
                _image_state(image, record, people)
            ids = _objects(image, by_image["annotations"].get(record["id"], []), classes, people, report)
            _reviews(
                image,
                by_image["comments"].get(record["id"], []),
                by_image["rounds"].get(record["id"], []),
                ids,
                people,
            )
            if ids and not added:
                image_object_saved(image_id=image.id, user=user)
        except (ImageRefused, DomainError, KeyError, TypeError, ValueError) as error:
            reason = getattr(error, "detail", None) or str(error)
            report.refuse_image(record.get("file", "?"), reason)
            raise InvalidInput(
                f"The archive was not restored: {record.get('file', '?')}: {reason}", code="archive_refused"
            ) from None
        report.image_done(added, len(ids))
        report.step()


def _image_state(image: ImageAsset, record: dict[str, Any], people: _People) -> None:
    image.status = record["status"]
    image.original_name = record.get("original_name") or image.original_name
    image.created_at = _when(record.get("created_at")) or image.created_at
    if record.get("deleted"):
        image.deleted_at = image.created_at
    image.save(update_fields=["status", "original_name", "created_at", "deleted_at"])
    ImageStatusChange.objects.filter(image=image).delete()  # the upload's own, replaced by the archive's
    ImageStatusChange.objects.bulk_create(
        ImageStatusChange(
            image=image, before=c["before"], after=c["after"], user=people.must(c.get("user")),
            note=c.get("note", ""), created_at=_when(c.get("at")) or image.created_at,
        )
        for c in record.get("status_history", [])
    )  # fmt: skip


def _objects(
    image: ImageAsset,
    records: list[dict[str, Any]],
    classes: dict[int, LabelClass],
    people: _People,
    report: ImportReport,
) -> dict[int, int]:
    """Each object with its revisions and verdicts; returns archive id → new id."""
    there = {(a.label_class_id, a.mask["counts"]) for a in Annotation.all_objects.filter(image=image)}
    ids: dict[int, int] = {}
    for record in records:
        revisions = record["revisions"]
        if not revisions:
            raise InvalidInput(f"object {record['id']} has no revision", code="malformed_archive")
        last = revisions[-1]
        if list(last["mask"]["size"]) != [image.height, image.width]:
            raise InvalidInput(
                f"object {record['id']}'s mask is not the image's size", code="mask_outside_image"
            )
        if (classes[last["class"]].id, last["mask"]["counts"]) in there:
            report.skip_object()
            continue
        annotation = Annotation.all_objects.create(
            project_id=image.project_id, image=image, label_class=classes[last["class"]], mask=last["mask"],
            bbox=last["bbox"], area=last["area"], author=people.must(record.get("author")),
            created_at=_when(record.get("created_at")) or image.created_at,
            deleted_at=_when(record.get("deleted_at")), deleted_by=people.get(record.get("deleted_by")),
            revision=record["revision"],
        )  # fmt: skip
        AnnotationRevision.objects.bulk_create(
            AnnotationRevision(
                annotation=annotation, number=r["number"], kind=r["kind"], mask=r["mask"], bbox=r["bbox"],
                area=r["area"], label_class=classes[r["class"]], user=people.must(r.get("user")),
                reverted_to=r.get("reverted_to"), created_at=_when(r.get("at")) or annotation.created_at,
            )
            for r in revisions
        )  # fmt: skip
        ObjectReview.objects.bulk_create(
            ObjectReview(
                annotation=annotation, image=image, revision=v["revision"], verdict=v["verdict"],
                reviewer=people.must(v.get("reviewer")),
                created_at=_when(v.get("at")) or annotation.created_at,
            )
            for v in record.get("reviews", [])
        )  # fmt: skip
        ids[record["id"]] = annotation.id
    return ids


def _reviews(
    image: ImageAsset,
    comments: list[dict[str, Any]],
    rounds: list[dict[str, Any]],
    ids: dict[int, int],
    people: _People,
) -> None:
    ReviewComment.objects.bulk_create(
        ReviewComment(
            image=image, annotation_id=ids.get(c["annotation"]) if c.get("annotation") else None,
            author=people.must(c.get("author")), text=c["text"], x=c.get("x"), y=c.get("y"),
            created_at=_when(c.get("at")) or image.created_at, resolved_at=_when(c.get("resolved_at")),
            resolved_by=people.get(c.get("resolved_by")),
        )
        for c in comments
    )  # fmt: skip
    ReviewRound.objects.bulk_create(
        ReviewRound(
            image=image, reviewer=people.must(r.get("reviewer")), outcome=r["outcome"],
            accepted=r["accepted"], rejected=r["rejected"], note=r.get("note", ""),
            created_at=_when(r.get("at")) or image.created_at,
        )
        for r in rounds
    )  # fmt: skip
