"""The picture of a JPEG file, segment by segment, without what does not draw it.

A JPEG is a list of marker segments (``FF xx`` and a two-byte length) with entropy-coded
data after each start-of-scan, up to the end-of-image marker (``FF D9``). ``jpeg_picture``
walks that list and copies, byte for byte, the segments a decoder needs (quantisation and
Huffman tables, the frame and scans with their data, restart intervals) and those that say
how to show the picture (JFIF, the ICC profile, Adobe's colour transform). The file's own
Exif blocks give way to one the caller makes (its orientation alone: no camera, place or
thumbnail). It leaves out comments, other application blocks (XMP, Photoshop, the MPF index
of an MPO's further frames) and every byte after the first end-of-image marker: an MPO's
other frames, or a file appended to the image.
"""

from __future__ import annotations

import re

SOI = b"\xff\xd8"
EOI = 0xD9
SOS = 0xDA
# Baseline, extended sequential and progressive, all Huffman-coded: what browsers decode.
PLAIN_FRAMES = {0xC0, 0xC1, 0xC2}
# Every other start-of-frame: lossless, hierarchical, arithmetic-coded.
OTHER_FRAMES = {0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
# Segments a decoder reads: tables, restart interval, line count, arithmetic conditioning.
DECODER_SEGMENTS = {0xC4, 0xCC, 0xDB, 0xDC, 0xDD}
APP0 = 0xE0
APP1 = 0xE1
# Application blocks that describe the picture, by marker and the signature they start with.
DESCRIBING_BLOCKS = {
    APP0: b"JFIF\0",
    0xE2: b"ICC_PROFILE\0",
    0xEE: b"Adobe",
}
# The next marker after entropy-coded data: 0xFF (after any fill bytes) followed by neither
# a stuffed zero nor a restart marker.
NEXT_MARKER = re.compile(rb"\xff+[^\x00\xff\xd0-\xd7]")


def jpeg_picture(data: bytes, *, exif: bytes | None) -> bytes | None:
    """The first image of ``data`` as a JPEG of its own segments only (see the module), with
    ``exif`` (``Exif\\0\\0`` and a TIFF block) as its Exif block after SOI and JFIF, or none.

    Returns None where ``data`` is not a complete, plain JPEG: a frame other than
    baseline, extended or progressive Huffman, a precision other than 8 bits, other than
    1 or 3 components, an unknown marker, or no end-of-image marker.
    """
    if not data.startswith(SOI):
        return None
    kept = [SOI]
    position = len(SOI)
    framed = scanned = False
    while position < len(data):
        if data[position] != 0xFF:
            return None
        while position < len(data) and data[position] == 0xFF:
            position += 1
        if position >= len(data):
            return None
        marker = data[position]
        if marker == EOI:
            if not scanned:
                return None
            kept.append(b"\xff\xd9")
            if exif is not None:
                after = 2 if kept[1].startswith(b"\xff\xe0") else 1
                kept.insert(after, _segment(APP1, exif))
            return b"".join(kept)
        length = int.from_bytes(data[position + 1 : position + 3], "big")
        end = position + 1 + length
        if length < 2 or position + 3 > len(data) or end > len(data):
            return None
        body = data[position + 3 : end]
        segment = data[position - 1 : end]
        position = end
        if marker in OTHER_FRAMES:
            return None
        if marker in PLAIN_FRAMES:
            if framed or len(body) < 6 or body[0] != 8 or body[5] not in (1, 3):
                return None
            framed = True
            kept.append(segment)
        elif marker == SOS:
            if not framed:
                return None
            following = NEXT_MARKER.search(data, position)
            if following is None:
                return None
            scan_end = following.end() - 2
            kept.append(segment + data[position:scan_end])
            position = scan_end
            scanned = True
        elif marker in DECODER_SEGMENTS:
            kept.append(segment)
        elif 0xE0 <= marker <= 0xEF or marker == 0xFE:
            signature = DESCRIBING_BLOCKS.get(marker)
            if signature is not None and body.startswith(signature):
                kept.append(segment)
        else:
            return None
    return None


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body
