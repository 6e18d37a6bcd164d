"""Every mode Pillow opens becomes 8-bit greyscale or RGB, as a browser shows it."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from annotator.images.display_pixels import eight_bit


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    values = np.array([[0, 257, 32896, 65535]], dtype=np.uint16)
    for image in (Image.fromarray(values), Image.fromarray(values.astype(np.int32))):
        converted = eight_bit(image)
        assert converted.mode == "L"
        assert np.asarray(converted).tolist() == [[0, 1, 128, 255]]


def test_float_grey_between_zero_and_one_is_scaled() -> None:
    image = Image.fromarray(np.array([[0.0, 0.5, 1.0]], dtype=np.float32))
    assert np.asarray(eight_bit(image)).tolist() == [[0, 128, 255]]


@pytest.mark.parametrize(
    ("image", "mode", "pixel"),
    [
        (Image.new("LA", (2, 2), (100, 0)), "L", 255),
        (Image.new("LA", (2, 2), (0, 255)), "L", 0),
        (Image.new("RGBA", (2, 2), (255, 0, 0, 0)), "RGB", (255, 255, 255)),
        (Image.new("RGBA", (2, 2), (0, 0, 255, 255)), "RGB", (0, 0, 255)),
        (Image.new("1", (2, 2), 1), "L", 255),
        (Image.new("CMYK", (2, 2), (0, 0, 0, 255)), "RGB", (0, 0, 0)),
    ],
    ids=["transparent grey", "opaque grey", "transparent colour", "opaque colour", "bilevel", "cmyk"],
)
def test_other_modes_become_grey_or_rgb_on_white(image: Image.Image, mode: str, pixel: object) -> None:
    converted = eight_bit(image)
    assert converted.mode == mode
    assert converted.getpixel((0, 0)) == pixel


def test_a_palette_with_a_transparent_entry_is_flattened() -> None:
    image = Image.new("P", (2, 1), 0)
    image.putpalette([200, 10, 10, 10, 200, 10] + [0] * 762)
    image.putpixel((1, 0), 1)
    image.info["transparency"] = 0
    converted = eight_bit(image)
    assert converted.mode == "RGB"
    assert [converted.getpixel((0, 0)), converted.getpixel((1, 0))] == [(255, 255, 255), (10, 200, 10)]


def test_grey_and_rgb_are_returned_as_they_are() -> None:
    for mode in ("L", "RGB"):
        image = Image.new(mode, (2, 2))
        assert eight_bit(image) is image
