"""What an accepted upload becomes on disk: the picture alone, in a form the browser and the
engine decode to the same pixels.

An upload may carry more than its picture: bytes after its end (a ZIP or a page appended to
a PNG or a JPEG, padding), further frames (an MPO's second view, an animation), or pixels in
a mode the browser and Pillow read differently (16-bit greyscale, transparency, CMYK). What
is stored, per format:

- **JPEG** (and an MPO's first frame) that is 8-bit, Huffman-coded (baseline, extended or
  progressive), greyscale or colour: its own segments copied byte for byte up to its
  end-of-image marker (``jpeg_segments.py``), keeping the ICC profile, JFIF and Adobe
  headers. Re-encoding a JPEG would lose quality again and usually grow the file; copying the
  coded data keeps the pixels exactly as they were. The orientation stays as the camera
  wrote it, since the browser and the engine both apply it, in an Exif block that holds it
  alone (written only where it is not 1): Pillow also reads one from XMP, which browsers
  ignore, and the rest of Exif (camera, place, thumbnail) is not the picture.
- **WebP** that is a still, opaque picture with no orientation to apply: its bitstream chunk
  (and ICC profile) in a fresh container (``webp_chunks.py``), for the same reason: a lossy
  WebP photo re-encoded losslessly is about seven times larger (ten as a PNG).
- **Everything else** (every PNG, and any image above that needs a conversion: CMYK or
  12-bit JPEG, transparency, animation, an orientation on a WebP, another format the
  settings allow): the first frame decoded, turned upright by its Exif orientation,
  converted once to 8-bit greyscale or RGB (``display_pixels.py``) and written as a PNG,
  which is lossless and drops every chunk but the pixels and the ICC profile where it still
  fits. A PNG is always rewritten: its chunks can hold anything, and a fresh one leaves no
  room for it.

Each rule gives the same bytes for its own output, so storing an image that was stored
before (an export imported again) gives the same file and the same checksum, and the same
upload twice is a duplicate. A written PNG's bytes depend on the zlib Pillow is built with:
after an upgrade that changes it, an upload stored as a PNG before gives another file, which
the duplicate check (by checksum) does not recognise.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from PIL import ExifTags, Image

from annotator.images.display_pixels import eight_bit
from annotator.images.jpeg_segments import jpeg_picture
from annotator.images.webp_chunks import webp_picture

TURNED = {5, 6, 7, 8}  # Exif orientations that swap width and height
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
ICC_SPACES = {"L": b"GRAY", "RGB": b"RGB "}
# zlib's fastest level: a third of the default level's time for 5 % more bytes on photos
# (docs/performance.md, "Uploads").
PNG_COMPRESSION = 1


@dataclass(frozen=True)
class StoredImage:
    """The bytes to store, their format, and the picture's size as displayed (upright)."""

    data: bytes
    format: str
    width: int
    height: int


def normalise(image: Image.Image, *, source: IO[bytes]) -> StoredImage:
    """What to store for ``image``, opened from ``source`` and loaded (its first frame), as
    the module says."""
    orientation = _orientation(image)
    if image.format in ("JPEG", "MPO") and image.mode in ("L", "RGB"):
        kept = jpeg_picture(_all_bytes(source), exif=_orientation_block(orientation))
        if kept is not None:
            width, height = image.size
            if orientation in TURNED:
                width, height = height, width
            return StoredImage(data=kept, format="JPEG", width=width, height=height)
    still = getattr(image, "n_frames", 1) == 1
    if image.format == "WEBP" and image.mode == "RGB" and still and orientation == 1:
        width, height = image.size
        kept = webp_picture(_all_bytes(source), width=width, height=height)
        if kept is not None:
            return StoredImage(data=kept, format="WEBP", width=width, height=height)
    return _as_png(image, orientation)


def _orientation(image: Image.Image) -> int:
    """The Exif orientation, 1 to 8, as ``ImageOps.exif_transpose`` reads it (Exif, or XMP)."""
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    return orientation if orientation in TRANSPOSE else 1


def _orientation_block(orientation: int) -> bytes | None:
    if orientation == 1:
        return None
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    return exif.tobytes()


def _all_bytes(source: IO[bytes]) -> bytes:
    source.seek(0)
    return source.read()


def _as_png(image: Image.Image, orientation: int) -> StoredImage:
    profile = image.info.get("icc_profile")
    method = TRANSPOSE.get(orientation)
    pixels = eight_bit(image.transpose(method) if method is not None else image)
    fits = isinstance(profile, bytes) and profile[16:20] == ICC_SPACES[pixels.mode]
    buffer = io.BytesIO()
    pixels.save(
        buffer,
        format="PNG",
        compress_level=PNG_COMPRESSION,
        icc_profile=profile if fits else None,
        transparency=None,
    )
    return StoredImage(data=buffer.getvalue(), format="PNG", width=pixels.width, height=pixels.height)
