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


class GeodesicField:
    """Geodesic distances over one (h, w, 3) BGR image, computed on a copy of at most
    ``max_side`` pixels and returned at the image's size, in the image's pixel units."""

    def __init__(self, bgr: np.ndarray, weight: float, max_side: int) -> None:
        self.height, self.width = bgr.shape[:2]
        self.scale = min(1.0, max_side / max(self.height, self.width))
        small = bgr
        if self.scale < 1.0:
            size = (max(1, round(self.width * self.scale)), max(1, round(self.height * self.scale)))
            small = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
        self.cost = edge_cost(small, weight)

    def distance(self, seeds: np.ndarray) -> np.ndarray:
        """(h, w) float32 distance of every pixel to the nearest True pixel of the (h, w) bool
        ``seeds`` (float64 inf without any; 0 everywhere when they cover the whole image)."""
        if not seeds.any():
            return np.full((self.height, self.width), np.inf)
        small_h, small_w = self.cost.shape
        rows, cols = np.nonzero(seeds)
        grid = np.zeros((small_h, small_w), dtype=np.uint8)
        grid[
            np.minimum(small_h - 1, (rows * self.scale).astype(np.intp)),
            np.minimum(small_w - 1, (cols * self.scale).astype(np.intp)),
        ] = 1
        # Paths leave a seed region through its edge: only the edge pixels need to start.
        edge = grid.astype(bool) & ~cv2.erode(grid, np.ones((3, 3), np.uint8)).astype(bool)
        if not edge.any():  # the seeds cover the whole image (a scribble as thick as it): all at 0
            return np.zeros((self.height, self.width), dtype=np.float32)
        distances, _ = MCP_Geometric(self.cost).find_costs(np.argwhere(edge))
        distances = np.asarray(distances, dtype=np.float32) / self.scale
        distances[grid.astype(bool)] = 0.0
        if self.scale < 1.0:
            distances = cv2.resize(distances, (self.width, self.height), interpolation=cv2.INTER_LINEAR)
        return distances
