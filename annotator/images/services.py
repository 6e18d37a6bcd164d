"""Writes to images: upload, delete, bring back (status: ``status.py``; handing out:
``assignments.py``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotator.common.errors import Conflict, InvalidInput, NotFound
from annotator.images.models import ImageAsset
from annotator.images.signals import image_uploaded
from annotator.images.validation import check_upload
from annotator.projects.models import Project


def image_upload(*, project: Project, uploader: User, upload: UploadedFile) -> ImageAsset:
    """Validate and store an uploaded image: its picture alone, as ``normalise.py`` says.
    Nothing is stored when a check fails.

    Raises InvalidInput for a bad file and Conflict (with the existing id) for an image the
    project already has: one whose stored bytes are the same, or are the very bytes uploaded
    (the checksum of an image that was stored as it was uploaded).
    """
    if upload.file is None:
        raise InvalidInput("The upload holds no file.", code="no_file")
    checked = check_upload(
        upload.file,
        size_bytes=upload.size or 0,
        allowed_formats=settings.MASKLOOP_ALLOWED_IMAGE_FORMATS,
        max_pixels=settings.MASKLOOP_MAX_IMAGE_PIXELS,
        max_bytes=settings.MASKLOOP_MAX_UPLOAD_BYTES,
    )
    checksums = {checked.checksum, checked.upload_checksum}
    existing = ImageAsset.all_objects.filter(project=project, checksum__in=checksums).order_by("id").first()
    if existing is not None:
        raise _duplicate(existing)
    asset = ImageAsset(
        project=project,
        original_name=(upload.name or "image")[:255],
        format=checked.format,
        width=checked.width,
        height=checked.height,
        checksum=checked.checksum,
        size_bytes=checked.size_bytes,
        uploaded_by=uploader,
    )
    try:
        with transaction.atomic():
            asset.file.save(upload.name or "image", ContentFile(checked.data), save=False)
            asset.save()
    except IntegrityError:
        asset.file.delete(save=False)
        raise _duplicate(ImageAsset.all_objects.get(project=project, checksum=checked.checksum)) from None
    transaction.on_commit(lambda: image_uploaded.send(sender=ImageAsset, image=asset, project=project))
    return asset


def _duplicate(existing: ImageAsset) -> Conflict:
    if existing.deleted_at is not None:
        return Conflict(
            "This image was deleted from the project: an admin can bring it back.",
            code="deleted_image",
            existing_id=existing.id,
        )
    return Conflict("This image is already in the project.", code="duplicate_image", existing_id=existing.id)


@transaction.atomic
def images_delete(*, project: Project, image_ids: list[int], user: User) -> int:
    """Delete these images of the project, with their objects: hidden and kept (files too)
    until an admin brings them back. Refuses the whole batch when one is unknown or deleted."""
    images = ImageAsset.all_objects.select_for_update().filter(project=project, id__in=image_ids)
    found = {image.id: image for image in images}
    missing = [i for i in image_ids if i not in found]
    if missing:
        raise NotFound(f"Image {missing[0]} is not in this project.", code="unknown_image")
    gone = [i for i, image in found.items() if image.deleted_at is not None]
    if gone:
        raise Conflict(f"Image {gone[0]} is already deleted.", code="already_deleted")
    return ImageAsset.all_objects.filter(id__in=found).update(deleted_at=timezone.now(), deleted_by=user)


@transaction.atomic
def image_restore(*, image: ImageAsset) -> ImageAsset:
    """Bring a deleted image back, with its objects, status and assignments as they were."""
    updated = ImageAsset.all_objects.filter(id=image.id, deleted_at__isnull=False).update(
        deleted_at=None, deleted_by=None
    )
    if not updated:
        raise Conflict("The image is not deleted.", code="not_deleted")
    image.deleted_at = None
    image.deleted_by = None
    return image
