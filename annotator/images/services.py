"""Writes to images."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from annotator.common.errors import Conflict, InvalidInput
from annotator.images.models import ImageAsset
from annotator.images.validation import check_upload
from annotator.interactions.tasks import prepare_image
from annotator.projects.engines import GRABCUT, engine_in_use
from annotator.projects.models import Project


def image_upload(*, project: Project, uploader: User, upload: UploadedFile) -> ImageAsset:
    """Validate and store an uploaded image. Nothing is stored when a check fails.

    Raises InvalidInput for a bad file and Conflict (with the existing id) for an image the
    project already has.
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
    existing = ImageAsset.objects.filter(project=project, checksum=checked.checksum).first()
    if existing is not None:
        raise Conflict(
            "This image is already in the project.", code="duplicate_image", existing_id=existing.id
        )
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
            asset.file.save(upload.name or "image", upload, save=False)
            asset.save()
    except IntegrityError:
        asset.file.delete(save=False)
        existing = ImageAsset.objects.get(project=project, checksum=checked.checksum)
        raise Conflict(
            "This image is already in the project.", code="duplicate_image", existing_id=existing.id
        ) from None
    if engine_in_use(project.engine).engine != GRABCUT:
        transaction.on_commit(lambda: prepare_image.delay(asset.id))
    return asset
