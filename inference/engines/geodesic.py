"""Geodesic distances on an image: path lengths that grow fast across colour edges.

The classical prior of interactive segmentation (geodesic star convexity, GeoS): a pixel
belongs with the seeds it can reach without crossing strong edges.
"""

from __future__ import annotations

import cv2
import numpy as np
from skimage.graph import MCP_Geometric


def edge_cost(bgr: np.ndarray, weight: float) -> np.ndarray:
    """(h, w) float64 step cost: 1 plus ``weight`` times the Lab gradient over its mean."""
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB).astype(np.float32)
    gx = cv2.Sobel(lab, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(lab, cv2.CV_32F, 0, 1, ksize=3)
    magnitude = np.sqrt((gx**2 + gy**2).sum(axis=2))
    mean = float(magnitude.mean()) or 1.0
    return 1.0 + weight * (magnitude / mean).astype(np.float64)


def geodesic_distance(cost: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Geodesic distance of every pixel to the nearest True pixel of ``seeds`` (inf without seeds)."""
    rows, cols = np.nonzero(seeds)
    if rows.size == 0:
        return np.full(cost.shape, np.inf)
    distances, _ = MCP_Geometric(cost).find_costs(list(zip(rows.tolist(), cols.tolist(), strict=True)))
    return np.asarray(distances)
