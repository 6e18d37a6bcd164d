"""A still WebP's picture: its bitstream and colour profile in a fresh container, nothing else."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageCms

from annotator.images.webp_chunks import webp_picture


def photo(mode: str = "RGB") -> Image.Image:
    pixels = np.random.default_rng(0).integers(0, 255, size=(24, 40, 4), dtype=np.uint8)
    return Image.fromarray(pixels).convert(mode)


def webp(image: Image.Image, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", **options)
    return buffer.getvalue()


def pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as opened:
        return np.asarray(opened)


@pytest.mark.parametrize("options", [{"quality": 80}, {"lossless": True}], ids=["lossy", "lossless"])
def test_a_still_webp_comes_back_byte_for_byte_without_what_follows_it(options: Any) -> None:
    data = webp(photo(), **options)
    assert webp_picture(data, width=40, height=24) == data
    assert webp_picture(data + b"PK\x03\x04 and the rest of a zip", width=40, height=24) == data


def test_the_colour_profile_stays_metadata_goes() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = Image.Exif()
    exif[0x010F] = "<html>hidden</html>"
    data = webp(photo(), icc_profile=icc, exif=exif, xmp=b"<x:xmpmeta/>")
    kept = webp_picture(data, width=40, height=24)
    assert kept is not None
    assert b"hidden" not in kept and b"xmpmeta" not in kept
    assert np.array_equal(pixels(kept), pixels(data))
    with Image.open(io.BytesIO(kept)) as opened:
        assert opened.info["icc_profile"] == icc
        assert opened.size == (40, 24)


def test_alpha_animation_and_broken_files_give_none() -> None:
    animated = io.BytesIO()
    photo().save(animated, format="WEBP", save_all=True, append_images=[photo().rotate(180)])
    data = webp(photo())
    assert webp_picture(webp(photo("RGBA")), width=40, height=24) is None
    assert webp_picture(animated.getvalue(), width=40, height=24) is None
    assert webp_picture(data[:-10], width=40, height=24) is None
    assert webp_picture(b"RIFF\x04\0\0\0WEBP", width=40, height=24) is None
    assert webp_picture(b"not a webp", width=40, height=24) is None
