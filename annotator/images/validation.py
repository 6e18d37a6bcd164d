"""Checks an upload before anything is stored: header first, full decode last.

The format and the pixel count come from the header (Pillow reads no pixel data in
``Image.open``), so an oversized image is refused without being decoded. Only an image that
passes those checks is decoded once, to catch truncated or corrupt files, and that decoded
image gives what is stored (``normalise.py``: the picture alone, without bytes after its end).
An MPO (a phone's JPEG with further views appended) is a JPEG whose first frame is kept.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, UnidentifiedImageError

from annotator.common.errors import InvalidInput
from annotator.images.normalise import normalise

# Formats Pillow names apart that are accepted as another: an MPO is a JPEG with more frames.
SAME_FORMAT = {"MPO": "JPEG"}


@dataclass(frozen=True)
class CheckedImage:
    """What to store: ``data`` in ``format``, ``size_bytes`` long, its SHA-256 ``checksum``;
    the picture's ``width`` and ``height`` as displayed. ``upload_checksum`` is the SHA-256 of
    the bytes as uploaded (the checksum of an image that was stored as it was uploaded)."""

    data: bytes
    format: str
    width: int
    height: int
    checksum: str
    size_bytes: int
    upload_checksum: str


def check_upload(
    stream: IO[bytes],
    *,
    size_bytes: int,
    allowed_formats: list[str],
    max_pixels: int,
    max_bytes: int,
) -> CheckedImage:
    """Validate an uploaded image and make what to store of it; raises InvalidInput with a
    clear reason.

    ``width``/``height`` are as displayed, after the EXIF orientation is applied.
    """
    if size_bytes == 0:
        raise InvalidInput("The file is empty.", code="empty_file")
    if size_bytes > max_bytes:
        raise InvalidInput(f"The file is larger than {max_bytes} bytes.", code="file_too_large")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        stream.seek(0)
        try:
            with Image.open(stream) as header:
                image_format = SAME_FORMAT.get(header.format or "", header.format or "")
                raw_width, raw_height = header.size
        except Image.DecompressionBombError:
            raise InvalidInput(
                f"The image has more than {max_pixels} pixels.", code="too_many_pixels"
            ) from None
        except (UnidentifiedImageError, OSError, ValueError):
            raise InvalidInput("The file is not an image we can read.", code="not_an_image") from None
        if image_format not in allowed_formats:
            raise InvalidInput(
                f"Images in {image_format or 'this'} format are not accepted; "
                f"use {', '.join(allowed_formats)}.",
                code="format_not_allowed",
            )
        if raw_width * raw_height > max_pixels:
            raise InvalidInput(
                f"The image has {raw_width * raw_height} pixels; the limit is {max_pixels}.",
                code="too_many_pixels",
            )
        stream.seek(0)
        try:
            with Image.open(stream) as full:
                full.load()
                stored = normalise(full, source=stream)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise InvalidInput("The image is truncated or corrupt.", code="corrupt_image") from None
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    stream.seek(0)
    return CheckedImage(
        data=stored.data,
        format=stored.format,
        width=stored.width,
        height=stored.height,
        checksum=hashlib.sha256(stored.data).hexdigest(),
        size_bytes=len(stored.data),
        upload_checksum=digest.hexdigest(),
    )
