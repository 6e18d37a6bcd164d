"""COCO run-length encoding of binary masks, through pycocotools.

An RLE here is the COCO dict ``{"size": [height, width], "counts": str}`` with the
compressed counts string, column-major as COCO defines it.
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np
from pycocotools import mask as coco_mask


class Rle(TypedDict):
    size: list[int]
    counts: str


def encode(mask: np.ndarray) -> Rle:
    """Encode a (H, W) mask (bool or 0/1 integers) as compressed COCO RLE."""
    if mask.ndim != 2:
        raise ValueError(f"mask must be 2-D, got shape {mask.shape}")
    fortran = np.asfortranarray(mask.astype(np.uint8, copy=False))
    encoded = coco_mask.encode(fortran)
    counts = encoded["counts"]
    return {"size": [int(mask.shape[0]), int(mask.shape[1])], "counts": counts.decode("ascii")}


def decode(rle: Rle) -> np.ndarray:
    """Decode a compressed COCO RLE into a (H, W) bool mask, C-contiguous like every other mask
    (pycocotools returns column-major arrays, which OpenCV's drawing functions refuse)."""
    raw = {"size": list(rle["size"]), "counts": rle["counts"].encode("ascii")}
    return np.ascontiguousarray(coco_mask.decode(raw), dtype=bool)


def area(rle: Rle) -> int:
    """Number of foreground pixels."""
    raw = {"size": list(rle["size"]), "counts": rle["counts"].encode("ascii")}
    return int(coco_mask.area(raw))


def bbox(rle: Rle) -> list[float]:
    """COCO box [x, y, width, height] of the foreground; zeros for an empty mask."""
    raw = {"size": list(rle["size"]), "counts": rle["counts"].encode("ascii")}
    return [float(v) for v in coco_mask.toBbox(raw)]
