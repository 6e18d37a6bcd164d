"""The picture of a still WebP file: its bitstream chunk and colour profile, nothing else.

A WebP file is a RIFF container: ``RIFF``, the container's length, ``WEBP``, then chunks
(a four-letter name, a little-endian length, the data, a pad byte to an even length). A
still image holds one bitstream chunk, ``VP8 `` (lossy) or ``VP8L`` (lossless); the extended
form adds a ``VP8X`` header and chunks for the ICC profile, Exif, XMP, alpha and animation.
``webp_picture`` rebuilds the file from the bitstream chunk (and the ICC profile, under a
fresh ``VP8X`` header that announces only it), byte for byte, so the pixels decode exactly
as before; metadata, unknown chunks and every byte after the container's end are left out.
"""

from __future__ import annotations

BITSTREAMS = {b"VP8 ", b"VP8L"}
# Chunks of an image that is not a still opaque picture: those are re-encoded instead.
NOT_STILL = {b"ALPH", b"ANIM", b"ANMF"}
ICC_FLAG = 0x20


def webp_picture(data: bytes, *, width: int, height: int) -> bytes | None:
    """``data`` (a still, opaque WebP of ``width`` x ``height`` pixels) as its bitstream and
    ICC profile only; None where it is not a complete RIFF WebP with exactly one bitstream
    chunk and no alpha or animation chunk."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    end = 8 + int.from_bytes(data[4:8], "little")
    if end > len(data):
        return None
    chunks: dict[bytes, bytes] = {}
    position = 12
    while position + 8 <= end:
        name = data[position : position + 4]
        length = int.from_bytes(data[position + 4 : position + 8], "little")
        following = position + 8 + length + (length & 1)
        if position + 8 + length > end or name in chunks or name in NOT_STILL:
            return None
        chunks[name] = data[position:following]
        position = following
    bitstreams = [chunks[name] for name in BITSTREAMS if name in chunks]
    if position != end or len(bitstreams) != 1:
        return None
    body = b"WEBP"
    if b"ICCP" in chunks:
        header = (
            bytes([ICC_FLAG, 0, 0, 0])
            + (width - 1).to_bytes(3, "little")
            + (height - 1).to_bytes(3, "little")
        )
        body += b"VP8X" + len(header).to_bytes(4, "little") + header + chunks[b"ICCP"]
    body += bitstreams[0]
    return b"RIFF" + len(body).to_bytes(4, "little") + body
