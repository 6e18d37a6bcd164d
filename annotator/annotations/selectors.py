"""Reads about annotations, and who may act on one."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from annotator.annotations.models import Annotation, AnnotationMatte, AnnotationRevision, MatteState
from annotator.common.errors import NotFound
from annotator.images.models import ImageAssignment
from annotator.images.selectors import image_is_own, sees_every_image
from annotator.projects.models import Membership
from annotator.projects.permissions import Action
from annotator.projects.selectors import User, check_allowed, membership_get


def annotation_list(
    *, project_id: int, image_id: int | None = None, deleted: bool | None = False
) -> QuerySet[Annotation]:
    """The project's objects (of one image, when given): those shown, those deleted on their
    own (``deleted``), or either (None). The objects of a deleted image or class are in
    neither: they come back with it."""
    annotations = Annotation.all_objects.filter(
        project_id=project_id, image__deleted_at__isnull=True, label_class__deleted_at__isnull=True
    )
    if deleted is not None:
        annotations = annotations.filter(deleted_at__isnull=not deleted)
    annotations = annotations.select_related("label_class", "author", "image", "deleted_by")
    if image_id is not None:
        annotations = annotations.filter(image_id=image_id)
    return annotations.order_by("id")


def visible_annotations(*, membership: Membership, annotations: QuerySet[Annotation]) -> QuerySet[Annotation]:
    """What of ``annotations`` the member may see: those on the images they may see."""
    if sees_every_image(membership):
        return annotations
    assigned = ImageAssignment.objects.filter(image=OuterRef("image_id"), user_id=membership.user_id)
    return annotations.filter(Exists(assigned))


def annotation_get(
    *, project_id: int, annotation_id: int, image_id: int | None = None, deleted: bool | None = False
) -> Annotation:
    """One annotation of the project (and of that image, when given); NotFound otherwise."""
    found = (
        annotation_list(project_id=project_id, image_id=image_id, deleted=deleted)
        .filter(id=annotation_id)
        .first()
    )
    if found is None:
        raise NotFound("No such annotation in this project.", code="unknown_annotation")
    return found


def annotation_access(
    *, user: User, project_id: int, annotation_id: int, action: Action, deleted: bool | None = False
) -> tuple[Membership, Annotation]:
    """The user's membership and the object, if they may see its image and do ``action`` on it
    (their own object, or another's)."""
    membership = membership_get(user=user, project_id=project_id)
    annotation = annotation_get(project_id=project_id, annotation_id=annotation_id, deleted=deleted)
    check_allowed(membership, Action.IMAGE_VIEW, own=_image_own(membership, annotation.image_id))
    own = annotation.author_id == membership.user_id
    if action == Action.ANNOTATION_CORRECT and membership.project.annotators_correct_others:
        own = True
    check_allowed(membership, action, own=own)
    return membership, annotation


def _image_own(membership: Membership, image_id: int) -> bool:
    return sees_every_image(membership) or image_is_own(membership=membership, image_id=image_id)


def revision_list(*, annotation: Annotation) -> QuerySet[AnnotationRevision]:
    return annotation.revisions.select_related("user", "label_class").order_by("number")


def revision_get(*, annotation: Annotation, revision_id: int) -> AnnotationRevision:
    """One revision of this object; NotFound for another object's or none."""
    found = annotation.revisions.filter(id=revision_id).select_related("label_class").first()
    if found is None:
        raise NotFound("No such revision of this object.", code="unknown_revision")
    return found


def matte_read(*, matte: AnnotationMatte) -> bytes | None:
    """A ready matte's PNG, read from storage; None when the file is gone (an earlier
    revision's matte, removed as the object's newer one was stored)."""
    try:
        with matte.file.open("rb") as stream:
            return stream.read()
    except FileNotFoundError:
        return None


def mattes_kept(*, annotations: list[Annotation]) -> dict[int, AnnotationMatte]:
    """The ready mattes of these objects' current revisions, by object id (one query)."""
    revisions = {annotation.id: annotation.revision for annotation in annotations}
    ready = AnnotationMatte.objects.filter(annotation_id__in=revisions, state=MatteState.READY)
    return {matte.annotation_id: matte for matte in ready if revisions[matte.annotation_id] == matte.revision}
