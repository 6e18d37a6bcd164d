"""A JPEG's picture, segment by segment: what draws it is copied, the rest is left out."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageCms

from annotator.images.jpeg_segments import jpeg_picture

ORIENTATION = 0x0112


def photo(mode: str = "RGB") -> Image.Image:
    pixels = np.random.default_rng(0).integers(0, 255, size=(24, 40, 3), dtype=np.uint8)
    return Image.fromarray(pixels).convert(mode)


def jpeg(image: Image.Image, fmt: str = "JPEG", **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as opened:
        return np.asarray(opened)


def segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body


@pytest.mark.parametrize(
    "options",
    [{}, {"progressive": True}, {"restart_marker_blocks": 1}, {"quality": 95, "subsampling": 0}],
    ids=["baseline", "progressive", "restart markers", "no subsampling"],
)
@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_a_plain_jpeg_comes_back_byte_for_byte_without_what_follows_it(mode: str, options: Any) -> None:
    data = jpeg(photo(mode), **options)
    assert jpeg_picture(data, exif=None) == data
    assert jpeg_picture(data + b"PK\x03\x04 and the rest of a zip", exif=None) == data


def test_the_colour_profile_stays_comments_and_other_blocks_go() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    plain = jpeg(photo(), icc_profile=icc, comment=b"<html>hidden</html>")
    xmp = segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>")
    photoshop = segment(0xED, b"Photoshop 3.0\0" + b"8BIM" * 8)
    data = plain[:2] + xmp + photoshop + plain[2:]
    kept = jpeg_picture(data, exif=None)
    assert kept is not None
    assert b"hidden" not in kept and b"xmpmeta" not in kept and b"8BIM" not in kept
    assert np.array_equal(pixels(kept), pixels(data))
    with Image.open(io.BytesIO(kept)) as opened:
        assert opened.info["icc_profile"] == icc


def test_the_exif_block_given_replaces_the_files_own() -> None:
    camera = Image.Exif()
    camera[ORIENTATION] = 3
    camera[0x010F] = "Maker"  # Make
    data = jpeg(photo(), exif=camera)
    orientation_only = Image.Exif()
    orientation_only[ORIENTATION] = 6
    kept = jpeg_picture(data, exif=orientation_only.tobytes())
    assert kept is not None and b"Maker" not in kept
    assert kept[:4] == b"\xff\xd8\xff\xe0"  # JFIF still first
    assert np.array_equal(pixels(kept), pixels(data))
    with Image.open(io.BytesIO(kept)) as opened:
        assert dict(opened.getexif()) == {ORIENTATION: 6}
    assert b"Maker" not in (jpeg_picture(data, exif=None) or b"Maker")


def test_an_mpo_gives_its_first_frame_as_a_plain_jpeg() -> None:
    second = Image.fromarray(np.zeros((24, 40, 3), dtype=np.uint8))
    data = jpeg(photo(), "MPO", save_all=True, append_images=[second])
    kept = jpeg_picture(data, exif=None)
    assert kept is not None
    assert b"MPF\0" not in kept and len(kept) < len(data)
    with Image.open(io.BytesIO(data)) as mpo, Image.open(io.BytesIO(kept)) as first:
        assert (mpo.format, first.format) == ("MPO", "JPEG")
        assert getattr(first, "n_frames", 1) == 1
        assert np.array_equal(np.asarray(first), np.asarray(mpo))


def test_what_is_not_a_complete_plain_jpeg_gives_none() -> None:
    data = jpeg(photo())
    start_of_frame = data.index(b"\xff\xc0")
    arithmetic = data[:start_of_frame] + b"\xff\xc9" + data[start_of_frame + 2 :]
    assert jpeg_picture(jpeg(photo("CMYK")), exif=None) is None
    assert jpeg_picture(arithmetic, exif=None) is None
    assert jpeg_picture(data[:-2], exif=None) is None
    assert jpeg_picture(data[: len(data) // 2], exif=None) is None
    assert jpeg_picture(b"\xff\xd8\xff\xd9", exif=None) is None
    assert jpeg_picture(b"not a jpeg", exif=None) is None
