"""Uploads: good images are stored once; bad ones get a clear 400 and leave nothing behind."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from annotator.images.models import ImageAsset
from tests.conftest import ProjectSetup
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db


def post(setup: ProjectSetup, name: str, data: bytes, user: Any = None) -> Any:
    client = APIClient()
    client.force_authenticate(user or setup.admin)
    upload = SimpleUploadedFile(name, data)
    return client.post(f"/api/projects/{setup.project.id}/images/", {"file": upload}, format="multipart")


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def picture(width: int = 64, height: int = 48) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 255, size=(height, width, 3), dtype=np.uint8)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height but whose pixel data is a few bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


def test_a_good_image_is_stored_with_its_size_and_checksum(
    project_setup: ProjectSetup, settings: Any
) -> None:
    response = post(project_setup, "photo.png", png_bytes(picture()))
    assert response.status_code == 201
    assert (response.data["width"], response.data["height"], response.data["format"]) == (64, 48, "PNG")
    assert len(response.data["checksum"]) == 64
    assert len(stored_files(settings)) == 1
    client = APIClient()
    client.force_authenticate(project_setup.annotator)
    served = client.get(response.data["url"])
    assert served.status_code == 200
    data = b"".join(served.streaming_content)
    assert (len(data), hashlib.sha256(data).hexdigest()) == (
        response.data["size_bytes"],
        response.data["checksum"],
    )
    with Image.open(io.BytesIO(data)) as stored:
        assert np.array_equal(np.asarray(stored), picture())


def test_the_same_image_twice_is_a_conflict_naming_the_first(
    project_setup: ProjectSetup, settings: Any
) -> None:
    first = post(project_setup, "a.png", png_bytes(picture()))
    second = post(project_setup, "b.png", png_bytes(picture()))
    assert second.status_code == 409
    assert second.data["existing_id"] == first.data["id"]
    assert ImageAsset.objects.count() == 1
    assert len(stored_files(settings)) == 1


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("notes.png", b"this is not an image at all", "not_an_image"),
        ("empty.png", b"", "empty_file"),
        ("truncated.png", png_bytes(picture())[:300], "corrupt_image"),
        ("old.gif", png_bytes(picture(), "GIF"), "format_not_allowed"),
        ("raw.bmp", png_bytes(picture(), "BMP"), "format_not_allowed"),
    ],
)
def test_bad_files_get_a_clear_400_and_nothing_is_stored(
    project_setup: ProjectSetup, settings: Any, name: str, data: bytes, code: str
) -> None:
    response = post(project_setup, name, data)
    assert response.status_code == 400
    assert response.data["code"] == code
    assert response.data["detail"]
    assert ImageAsset.objects.count() == 0
    assert stored_files(settings) == []


def test_pixel_limit_is_checked_from_the_header_before_any_decoding(
    project_setup: ProjectSetup, settings: Any
) -> None:
    # The header claims 60 megapixels but holds almost no data: decoding would fail as
    # corrupt, so "too_many_pixels" proves the limit was checked first.
    response = post(project_setup, "huge.png", png_header_only(10_000, 6_000))
    assert response.status_code == 400
    assert response.data["code"] == "too_many_pixels"
    assert stored_files(settings) == []


def test_pixel_limit_is_configurable(project_setup: ProjectSetup, settings: Any) -> None:
    settings.MASKLOOP_MAX_IMAGE_PIXELS = 1000
    response = post(project_setup, "small.png", png_bytes(picture(64, 48)))
    assert response.status_code == 400
    assert response.data["code"] == "too_many_pixels"


def test_upload_without_a_file_field_is_a_400(project_setup: ProjectSetup) -> None:
    client = APIClient()
    client.force_authenticate(project_setup.admin)
    response = client.post(f"/api/projects/{project_setup.project.id}/images/", {}, format="multipart")
    assert response.status_code == 400


def test_annotators_cannot_upload(project_setup: ProjectSetup) -> None:
    response = post(project_setup, "a.png", png_bytes(picture()), user=project_setup.annotator)
    assert response.status_code == 403
