"""Masks as polygons and back, for formats that want polygons (COCO polygons, YOLO).

A mask's outline is traced with sub-pixel contours at level 0.5 (scikit-image's marching
squares) rather than OpenCV's pixel-edge contours: on small objects they lose less area
(``benchmarks/polygon_fidelity.py``). Polygons cannot express holes: a mask with holes is
reported (``Outline.holes``) so the caller can keep the exact RLE instead. Simplifying is
OpenCV's Douglas-Peucker (C++; scikit-image's is Python and was most of an export's time).

Coordinates are COCO's: x is the column, y the row, and pixel (row r, column c) covers the
square [c, c + 1) × [r, r + 1), so its centre is (c + 0.5, r + 0.5). Rasterising goes through
pycocotools, as COCO readers do.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from pycocotools import mask as coco_mask
from skimage import measure

# A polygon is a flat list [x0, y0, x1, y1, ...] in pixel coordinates (float).
Polygon = list[float]


@dataclass(frozen=True)
class Outline:
    """A mask's outer boundaries (one polygon per connected part), how many holes it has, and
    the IoU of the parts' rasterised union with the mask (1.0: the polygons lose nothing)."""

    parts: list[Polygon]
    holes: int
    iou: float


def _signed_area(contour: np.ndarray) -> float:
    """Shoelace area of a (N, 2) (row, col) contour: its sign tells the winding (with
    ``positive_orientation="high"``, negative around the object, positive around a hole)."""
    rows, cols = contour[:, 0], contour[:, 1]
    return float(0.5 * (np.dot(cols, np.roll(rows, -1)) - np.dot(rows, np.roll(cols, -1))))


def _box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """Rows [top, bottom) and columns [left, right) of the mask's pixels (all zero when empty)."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if len(rows) == 0:
        return 0, 0, 0, 0
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def _trace_box(mask: np.ndarray, tolerance: float) -> tuple[list[np.ndarray], int]:
    """Outer boundaries as (N, 2) (x, y) arrays in ``mask``'s own coordinates, and the holes."""
    padded = np.pad(mask.astype(np.float32), 1)
    parts: list[np.ndarray] = []
    holes = 0
    for contour in measure.find_contours(padded, 0.5, positive_orientation="high"):
        if len(contour) < 4:
            continue
        if _signed_area(contour) > 0:  # wound the other way: the edge of a hole
            holes += 1
            continue
        if tolerance > 0:
            # Douglas-Peucker; the contour is closed (its last point is its first).
            contour = cv2.approxPolyDP(contour.astype(np.float32), tolerance, closed=False)[:, 0, :]
        # (row, col) of the padded grid, pixel centres at integers → COCO (x, y).
        parts.append(contour[:, ::-1] - 1 + 0.5)
    return parts, holes


def _as_polygons(parts: list[np.ndarray], left: int, top: int) -> list[Polygon]:
    return [[round(float(v), 2) for v in (xy + (left, top)).reshape(-1)] for xy in parts]


def trace(mask: np.ndarray, tolerance: float = 0.0) -> tuple[list[Polygon], int]:
    """The outer boundaries of a (H, W) bool mask as COCO polygons, and its number of holes.
    ``tolerance`` (pixels) simplifies each polygon (Douglas-Peucker); 0 keeps every vertex.
    Only the mask's bounding box is traced, so the cost follows the object's size."""
    top, bottom, left, right = _box(mask)
    parts, holes = _trace_box(mask[top:bottom, left:right], tolerance)
    return _as_polygons(parts, left, top), holes


def trace_pixel_edges(mask: np.ndarray) -> list[Polygon]:
    """OpenCV's outer contours through boundary pixel centres (``CHAIN_APPROX_NONE``), in COCO
    coordinates: the other method ``benchmarks/polygon_fidelity.py`` compares."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    return [[float(v) + 0.5 for v in c.reshape(-1)] for c in contours if len(c) >= 3]


def rasterise(parts: list[Polygon], height: int, width: int) -> np.ndarray:
    """The (H, W) bool union of polygons, rasterised by pycocotools as COCO readers do."""
    usable = [p for p in parts if len(p) >= 6]
    if not usable:
        return np.zeros((height, width), dtype=bool)
    rles = coco_mask.frPyObjects(usable, height, width)
    return np.ascontiguousarray(coco_mask.decode(coco_mask.merge(rles)), dtype=bool)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return 1.0 if union == 0 else float(np.logical_and(a, b).sum() / union)


def outline(mask: np.ndarray, tolerance: float = 0.0) -> Outline:
    """``trace`` with the IoU its polygons keep of the mask (rasterised within the bounding box,
    one pixel wider each side: an integer shift rasterises the same)."""
    height, width = mask.shape
    top, bottom, left, right = _box(mask)
    top, left = max(0, top - 1), max(0, left - 1)
    bottom, right = min(height, bottom + 1), min(width, right + 1)
    box = mask[top:bottom, left:right]
    parts, holes = _trace_box(box, tolerance)
    kept = iou(rasterise([list(p.reshape(-1)) for p in parts], *box.shape), box)
    return Outline(parts=_as_polygons(parts, left, top), holes=holes, iou=kept)
