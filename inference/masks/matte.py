"""Alpha mattes from binary masks: closed-form matting (pymatting) in a band around the edge.

The mask says which pixels are surely the object and surely the background; only a band of
uncertain pixels along its boundary is solved for, on a crop around the object scaled down to
at most ``max_side`` pixels, so a large image costs about as much as a small one.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from pymatting import estimate_alpha_cf


def band_width(mask: np.ndarray) -> int:
    """The uncertain band's half-width in pixels: 3 % of the object's size, 2 to 25 px."""
    return int(min(25, max(2, round(0.03 * math.sqrt(max(1, int(np.count_nonzero(mask))))))))


def trimap(mask: np.ndarray, band: int) -> np.ndarray:
    """(H, W) float64: 1 inside the mask beyond ``band`` px of its edge, 0 outside beyond it,
    0.5 in between (the pixels the matting solves for)."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * band + 1, 2 * band + 1))
    as_bytes = mask.astype(np.uint8)
    sure = cv2.erode(as_bytes, kernel, borderType=cv2.BORDER_REPLICATE).astype(bool)
    maybe = cv2.dilate(as_bytes, kernel, borderType=cv2.BORDER_REPLICATE).astype(bool)
    out = np.full(mask.shape, 0.5)
    out[sure] = 1.0
    out[~maybe] = 0.0
    return out


def alpha_matte(
    image: np.ndarray, mask: np.ndarray, band: int | None = None, max_side: int = 400
) -> np.ndarray:
    """The object's (H, W) float32 alpha in [0, 1] for an (H, W, 3) uint8 RGB image.

    Pixels farther than ``band`` from the mask's edge keep the mask's value (0 or 1); the band
    gets the closed-form matte, solved on a crop around the object at most ``max_side`` px.
    """
    if image.shape[:2] != mask.shape:
        raise ValueError(f"image {image.shape[:2]} and mask {mask.shape} differ in size")
    alpha = mask.astype(np.float32)
    if not mask.any() or mask.all():
        return alpha
    band = band_width(mask) if band is None else band
    height, width = mask.shape
    x, y, w, h = cv2.boundingRect(mask.astype(np.uint8))
    margin = 2 * band
    x0, y0 = max(0, x - margin), max(0, y - margin)
    x1, y1 = min(width, x + w + margin), min(height, y + h + margin)
    crop_mask = mask[y0:y1, x0:x1]
    crop_image = image[y0:y1, x0:x1]
    scale = min(1.0, max_side / max(x1 - x0, y1 - y0))
    size = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
    small_image = cv2.resize(crop_image, size, interpolation=cv2.INTER_AREA) if scale < 1 else crop_image
    small_mask = (
        cv2.resize(crop_mask.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(bool)
        if scale < 1
        else crop_mask
    )
    small_trimap = trimap(small_mask, max(1, round(band * scale)))
    small_alpha = estimate_alpha_cf(small_image.astype(np.float64) / 255.0, small_trimap)
    crop_alpha = cv2.resize(
        small_alpha.astype(np.float32), (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR
    )
    unknown = trimap(crop_mask, band) == 0.5
    alpha[y0:y1, x0:x1][unknown] = np.clip(crop_alpha[unknown], 0.0, 1.0)
    return alpha


def alpha_png(alpha: np.ndarray) -> bytes:
    """An (H, W) alpha in [0, 1] as an 8-bit greyscale PNG."""
    ok, encoded = cv2.imencode(".png", np.round(np.clip(alpha, 0.0, 1.0) * 255.0).astype(np.uint8))
    if not ok:
        raise ValueError("the matte could not be encoded as PNG")
    return encoded.tobytes()
