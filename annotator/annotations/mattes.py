"""An object's alpha matte as a PNG, in bounded memory (the batch queue's work, and the mattes
export's when no matte is kept for the revision).

Only the window around the object (its box and a margin of twice the matting band) is matted:
at full resolution when it has at most ``max_pixels`` pixels, scaled down to that many beyond
(``MASKLOOP_MATTE_MAX_PIXELS``). The closed-form solver works on at most 400 px a side anyway
(``inference.masks.matte``), so scaling down changes only how finely the band's outline follows
the mask. An image over the limit is never decoded whole at full size: a JPEG is decoded at the
reduced size (Pillow's draft mode) and only the window is kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import ExifTags, Image, ImageOps

from annotator.images.models import ImageAsset
from annotator.images.selectors import image_rgb
from inference.masks import rle
from inference.masks.matte import alpha_matte, band_width


@dataclass(frozen=True)
class Window:
    """A rectangle of the upright image in pixels: columns x0..x1, rows y0..y1 (ends excluded)."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0


class ImageRegions:
    """Regions of an image as the browser shows it (EXIF orientation applied), (h, w, 3) uint8
    RGB. An image of at most ``max_pixels`` is decoded once and kept (every object of it is
    matted from the same pixels); a larger one is decoded again for each region, at the least
    size the region needs."""

    def __init__(self, image: ImageAsset, max_pixels: int) -> None:
        self.image = image
        self.max_pixels = max_pixels
        self.whole: np.ndarray | None = None

    def region(self, window: Window, size: tuple[int, int]) -> np.ndarray:
        """The pixels of ``window``, resized to ``size`` (width, height) when it differs."""
        if self.image.width * self.image.height > self.max_pixels:
            return self._decoded_region(window, size)
        if self.whole is None:
            self.whole = image_rgb(image=self.image)
        crop = self.whole[window.y0 : window.y1, window.x0 : window.x1]
        if size == (window.width, window.height):
            return crop
        return cv2.resize(crop, size, interpolation=cv2.INTER_AREA)

    def _decoded_region(self, window: Window, size: tuple[int, int]) -> np.ndarray:
        scale = size[0] / window.width
        with self.image.file.open("rb") as stream, Image.open(stream) as opened:
            opened.draft(
                None, (max(1, math.ceil(opened.width * scale)), max(1, math.ceil(opened.height * scale)))
            )
            turned = opened.getexif().get(ExifTags.Base.Orientation, 1) != 1
            upright = ImageOps.exif_transpose(opened) if turned else opened
            if upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")  # as image_rgb reads every other mode
            fx, fy = upright.width / self.image.width, upright.height / self.image.height
            box = (window.x0 * fx, window.y0 * fy, window.x1 * fx, window.y1 * fy)
            return np.asarray(upright.resize(size, Image.Resampling.BOX, box=box).convert("RGB"))


def matte_window(mask: np.ndarray, band: int) -> Window:
    """The object's box in the (H, W) bool ``mask`` with a margin of ``2 * band``, within the
    image (the window ``alpha_matte`` solves in)."""
    height, width = mask.shape
    x, y, w, h = cv2.boundingRect(mask.view(np.uint8))
    margin = 2 * band
    return Window(
        max(0, x - margin), max(0, y - margin), min(width, x + w + margin), min(height, y + h + margin)
    )


def matte_png(*, regions: ImageRegions, mask: rle.Rle, max_pixels: int) -> bytes:
    """The object's alpha matte as an 8-bit greyscale PNG the size of the image (255 = object):
    closed-form matting in a band around the mask's edge, on the window around the object,
    scaled down to at most ``max_pixels`` pixels. Raises ``ValueError`` for an image the mask
    does not fit."""
    full = rle.decode(mask)
    height, width = full.shape
    if (regions.image.height, regions.image.width) != (height, width):
        raise ValueError("the mask's size does not match the image")
    out = np.zeros((height, width), np.uint8)
    if full.any():
        band = band_width(full)
        window = matte_window(full, band)
        scale = min(1.0, math.sqrt(max_pixels / (window.width * window.height)))
        size = (max(1, int(window.width * scale)), max(1, int(window.height * scale)))
        crop_mask = full[window.y0 : window.y1, window.x0 : window.x1]
        if scale < 1:
            shade = np.multiply(crop_mask, 255, dtype=np.uint8)
            crop_mask = cv2.resize(shade, size, interpolation=cv2.INTER_AREA) > 127
        del full
        alpha = alpha_matte(regions.region(window, size), crop_mask, band=max(1, round(band * scale)))
        solved = np.round(alpha * 255.0).astype(np.uint8)
        if scale < 1:
            out[window.y0 : window.y1, window.x0 : window.x1] = cv2.resize(
                solved, (window.width, window.height), interpolation=cv2.INTER_LINEAR
            )
        else:
            out[window.y0 : window.y1, window.x0 : window.x1] = solved
    ok, encoded = cv2.imencode(".png", out)
    if not ok:
        raise ValueError("the matte could not be encoded as PNG")
    return encoded.tobytes()
