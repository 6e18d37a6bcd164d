"""Uploads store the picture alone: no bytes after its end, one frame, pixels the browser and
the engine decode alike; duplicates and refusals behave as before."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps
from rest_framework.test import APIClient

from annotator.images.models import ImageAsset
from annotator.images.selectors import image_rgb
from annotator.projects.models import Role
from tests.conftest import ProjectSetup
from tests.factories import MembershipFactory, ProjectFactory, png_bytes

pytestmark = pytest.mark.django_db

ORIENTATION = 0x0112


def member_client(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def post(setup: ProjectSetup, name: str, data: bytes, project_id: int | None = None) -> Any:
    upload = SimpleUploadedFile(name, data)
    project = project_id or setup.project.id
    return member_client(setup.admin).post(
        f"/api/projects/{project}/images/", {"file": upload}, format="multipart"
    )


def served(setup: ProjectSetup, response: Any, user: Any = None) -> bytes:
    """The stored file as a member's browser fetches it."""
    answer = member_client(user or setup.annotator).get(response.data["url"])
    assert answer.status_code == 200
    return b"".join(answer.streaming_content)


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def browser_pixels(data: bytes) -> np.ndarray:
    """The stored file decoded to 8-bit RGB, as a browser draws it: no conversion of our own
    beyond expanding greyscale."""
    with Image.open(io.BytesIO(data)) as opened:
        assert opened.mode in ("L", "RGB")
        return np.asarray(opened.convert("RGB"))


def engine_pixels(response: Any) -> np.ndarray:
    return image_rgb(image=ImageAsset.objects.get(id=response.data["id"]))


def photo(width: int = 64, height: int = 48, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 255, size=(height, width, 3), dtype=np.uint8)


def encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def mpo(first: np.ndarray, second: np.ndarray) -> bytes:
    """A phone's two-view JPEG (Multi-Picture Object)."""
    return encoded(Image.fromarray(first), "MPO", save_all=True, append_images=[Image.fromarray(second)])


def a_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return buffer.getvalue()


def assert_describes_its_file(response: Any, data: bytes, fmt: str) -> None:
    assert response.data["format"] == fmt
    assert response.data["size_bytes"] == len(data)
    assert response.data["checksum"] == hashlib.sha256(data).hexdigest()
    with Image.open(io.BytesIO(data)) as opened:
        assert opened.format == fmt
        assert getattr(opened, "n_frames", 1) == 1


def test_junk_after_a_png_end_is_not_stored(project_setup: ProjectSetup, settings: Any) -> None:
    clean = png_bytes(photo())
    response = post(project_setup, "padded.png", clean + b"\0junk" * 200_000)
    assert response.status_code == 201
    data = served(project_setup, response)
    assert len(data) < len(clean) + 1024
    assert np.array_equal(browser_pixels(data), photo())
    assert np.array_equal(engine_pixels(response), photo())
    assert_describes_its_file(response, data, "PNG")
    assert [p.stat().st_size for p in stored_files(settings)] == [len(data)]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_file_appended_to_an_image_is_not_stored(project_setup: ProjectSetup, fmt: str) -> None:
    image = encoded(Image.fromarray(photo()), fmt)
    payload = a_zip() + b"<html><script>alert(1)</script></html>"
    response = post(project_setup, f"polyglot.{fmt.lower()}", image + payload)
    assert response.status_code == 201
    data = served(project_setup, response)
    assert not zipfile.is_zipfile(io.BytesIO(data))
    assert b"payload.html" not in data and b"<script>" not in data
    with Image.open(io.BytesIO(image)) as original:
        assert np.array_equal(browser_pixels(data), np.asarray(original.convert("RGB")))
    assert_describes_its_file(response, data, fmt)


def test_a_plain_jpeg_is_stored_byte_for_byte(project_setup: ProjectSetup) -> None:
    image = encoded(Image.fromarray(photo()), "JPEG", quality=90, progressive=True)
    response = post(project_setup, "photo.jpg", image + b"trailing bytes")
    assert response.status_code == 201
    assert served(project_setup, response) == image


def test_a_16_bit_greyscale_png_reaches_browser_and_engine_as_the_same_unclipped_grey(
    project_setup: ProjectSetup,
) -> None:
    gradient = np.tile(np.linspace(0, 65535, 257).round().astype(np.uint16), (8, 1))
    upload = encoded(Image.fromarray(gradient), "PNG")
    response = post(project_setup, "scan16.png", upload)
    assert response.status_code == 201
    data = served(project_setup, response)
    browser = browser_pixels(data)
    assert np.array_equal(browser, engine_pixels(response))
    grey = browser[0, :, 0].astype(int)
    assert grey[0] == 0 and grey[-1] == 255
    assert abs(grey[128] - 128) <= 1  # mid-grey stays mid-grey, not near-white
    assert np.all(np.diff(grey) >= 0)
    assert_describes_its_file(response, data, "PNG")


def test_an_mpo_is_accepted_and_stored_as_its_first_frame(project_setup: ProjectSetup) -> None:
    upload = mpo(photo(seed=1), photo(seed=2))
    with Image.open(io.BytesIO(upload)) as opened:
        assert opened.format == "MPO" and opened.n_frames == 2
        first_frame = np.asarray(opened.convert("RGB"))
    response = post(project_setup, "IMG_0001.JPG", upload)
    assert response.status_code == 201
    data = served(project_setup, response)
    assert_describes_its_file(response, data, "JPEG")
    assert len(data) < len(upload) * 0.6
    assert np.array_equal(browser_pixels(data), first_frame)
    assert np.array_equal(engine_pixels(response), first_frame)


def test_transparency_is_flattened_once_for_browser_and_engine(project_setup: ProjectSetup) -> None:
    rgba = np.zeros((16, 16, 4), dtype=np.uint8)
    rgba[..., 0] = 255  # red everywhere, hidden where the alpha is zero
    rgba[:, 8:, 3] = 255
    response = post(project_setup, "cutout.png", png_bytes(rgba))
    assert response.status_code == 201
    data = served(project_setup, response)
    browser = browser_pixels(data)
    assert np.array_equal(browser, engine_pixels(response))
    assert browser[0, 0].tolist() == [255, 255, 255]
    assert browser[0, 15].tolist() == [255, 0, 0]


def test_a_cmyk_jpeg_is_converted_once(project_setup: ProjectSetup) -> None:
    upload = encoded(Image.fromarray(photo()).convert("CMYK"), "JPEG")
    response = post(project_setup, "print.jpg", upload)
    assert response.status_code == 201
    data = served(project_setup, response)
    assert_describes_its_file(response, data, "PNG")
    assert np.array_equal(browser_pixels(data), engine_pixels(response))


def test_a_png_orientation_is_applied_once(project_setup: ProjectSetup) -> None:
    picture = photo(64, 48)
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # shown rotated 90 degrees clockwise
    response = post(project_setup, "turned.png", encoded(Image.fromarray(picture), "PNG", exif=exif))
    assert response.status_code == 201
    assert (response.data["width"], response.data["height"]) == (48, 64)
    data = served(project_setup, response)
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.getexif().get(ORIENTATION, 1) == 1
    upright = np.rot90(picture, k=-1)
    assert np.array_equal(browser_pixels(data), upright)
    assert np.array_equal(engine_pixels(response), upright)


def test_a_jpeg_keeps_its_orientation_alone_for_browser_and_engine(project_setup: ProjectSetup) -> None:
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x8825] = {2: (52.0, 31.0, 0.0)}  # GPS latitude: where the photo was taken
    upload = encoded(Image.fromarray(photo(64, 48)), "JPEG", exif=exif)
    response = post(project_setup, "camera.jpg", upload)
    assert response.status_code == 201
    assert (response.data["width"], response.data["height"]) == (48, 64)
    data = served(project_setup, response)
    with Image.open(io.BytesIO(data)) as stored, Image.open(io.BytesIO(upload)) as original:
        assert dict(stored.getexif()) == {ORIENTATION: 6}
        assert np.array_equal(np.asarray(stored), np.asarray(original))
        upright = np.asarray(ImageOps.exif_transpose(original))
    assert np.array_equal(engine_pixels(response), upright)


def test_an_orientation_only_in_xmp_is_written_where_browsers_read_it(project_setup: ProjectSetup) -> None:
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )
    response = post(project_setup, "turned.jpg", encoded(Image.fromarray(photo(64, 48)), "JPEG", xmp=xmp))
    assert response.status_code == 201
    assert (response.data["width"], response.data["height"]) == (48, 64)
    with Image.open(io.BytesIO(served(project_setup, response))) as stored:
        assert "xmp" not in stored.info
        exif = Image.Exif()
        exif.load(stored.info["exif"])  # the Exif block itself, which browsers apply
        assert dict(exif) == {ORIENTATION: 6}
    assert engine_pixels(response).shape == (64, 48, 3)


def test_a_lossy_webp_keeps_its_bitstream_without_what_follows(project_setup: ProjectSetup) -> None:
    upload = encoded(Image.fromarray(photo()), "WEBP", quality=80)
    response = post(project_setup, "photo.webp", upload + a_zip())
    assert response.status_code == 201
    data = served(project_setup, response)
    assert_describes_its_file(response, data, "WEBP")
    assert len(data) <= len(upload)
    with Image.open(io.BytesIO(upload)) as original:
        assert np.array_equal(browser_pixels(data), np.asarray(original))


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(png_bytes(photo()) + b"junk", id="padded png"),
        pytest.param(encoded(Image.fromarray(np.full((4, 4), 40000, dtype=np.uint16)), "PNG"), id="16-bit"),
        pytest.param(png_bytes(np.zeros((4, 4, 4), dtype=np.uint8)), id="transparent"),
        pytest.param(encoded(Image.fromarray(photo()), "JPEG") + b"junk", id="jpeg"),
    ],
)
def test_the_same_upload_twice_is_a_duplicate_and_a_stored_file_stores_as_itself(
    project_setup: ProjectSetup, settings: Any, upload: bytes
) -> None:
    first = post(project_setup, "a.png", upload)
    second = post(project_setup, "b.png", upload)
    assert second.status_code == 409
    assert second.data["existing_id"] == first.data["id"]
    # The stored file, imported again elsewhere (an export brought back), is the same file.
    data = served(project_setup, first)
    elsewhere = ProjectFactory(created_by=project_setup.admin)
    MembershipFactory(project=elsewhere, user=project_setup.admin, role=Role.ADMIN)
    again = post(project_setup, "a.png", data, project_id=elsewhere.id)
    assert again.status_code == 201
    assert again.data["checksum"] == first.data["checksum"]
    assert served(project_setup, again, user=project_setup.admin) == data
    assert ImageAsset.objects.count() == 2
    assert len(stored_files(settings)) == 2


def test_the_same_picture_with_junk_appended_is_refused_and_stores_nothing(
    project_setup: ProjectSetup, settings: Any
) -> None:
    first = post(project_setup, "clean.png", png_bytes(photo()))
    files = stored_files(settings)
    second = post(project_setup, "padded.png", png_bytes(photo()) + b"\0" * 4096)
    assert second.status_code == 409
    assert second.data["code"] == "duplicate_image"
    assert second.data["existing_id"] == first.data["id"]
    assert ImageAsset.objects.count() == 1
    assert stored_files(settings) == files


def test_an_upload_of_a_file_stored_as_uploaded_is_a_duplicate(project_setup: ProjectSetup) -> None:
    upload = encoded(Image.fromarray(np.full((4, 4), 40000, dtype=np.uint16)), "PNG")
    existing = ImageAsset.objects.create(
        project=project_setup.project,
        file=SimpleUploadedFile("old.png", upload),
        original_name="old.png",
        format="PNG",
        width=4,
        height=4,
        checksum=hashlib.sha256(upload).hexdigest(),
        size_bytes=len(upload),
        uploaded_by=project_setup.admin,
    )
    response = post(project_setup, "again.png", upload)
    assert response.status_code == 409
    assert response.data["existing_id"] == existing.id


def test_an_mpo_over_the_pixel_limit_is_refused_and_stores_nothing(
    project_setup: ProjectSetup, settings: Any
) -> None:
    settings.MASKLOOP_MAX_IMAGE_PIXELS = 1000
    buffer = io.BytesIO()
    Image.fromarray(photo()).save(
        buffer, "MPO", save_all=True, append_images=[Image.fromarray(photo(seed=3))]
    )
    response = post(project_setup, "IMG_0002.JPG", buffer.getvalue())
    assert response.status_code == 400
    assert response.data["code"] == "too_many_pixels"
    assert ImageAsset.objects.count() == 0
    assert stored_files(settings) == []
