"""Adding an image from an import's source through the same checks as an upload."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.common.errors import Conflict, DomainError
from annotator.exports.importers.report import ImportReport
from annotator.exports.importers.source import Source
from annotator.images.models import ImageAsset
from annotator.images.services import image_upload
from annotator.projects.models import Project


class ImageRefused(Exception):
    """An image (with its objects) left out of an import, and why."""


def add_image(*, project: Project, user: User, source: Source, file_name: str) -> tuple[ImageAsset, bool]:
    """The image ``file_name`` names, added to the project (True) or found there already, the
    same bytes (False); ImageRefused when the file is missing or not an image."""
    name = source.find(file_name)
    if name is None:
        raise ImageRefused("its file is not in the images given")
    upload = SimpleUploadedFile(PurePosixPath(name).name, source.read(name))
    try:
        return image_upload(project=project, uploader=user, upload=upload), True
    except Conflict as error:
        if error.code == "duplicate_image" and error.existing_id is not None:
            return ImageAsset.objects.get(id=error.existing_id), False
        raise ImageRefused(error.detail) from None
    except DomainError as error:
        raise ImageRefused(error.detail) from None


def import_images(*, project: Project, user: User, source: Source, report: ImportReport) -> None:
    """Every image file of the source, as a bulk upload."""
    names = source.images()
    report.start(len(names))
    for name in names:
        try:
            _, added = add_image(project=project, user=user, source=source, file_name=name)
        except ImageRefused as error:
            report.refuse_image(name, str(error))
        else:
            report.image_done(added, 0)
        report.step()
