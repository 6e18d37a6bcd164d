"""SAM's input frame: the image scaled so its longer side is 1024, padded at the bottom and right.

The same arithmetic as segment-anything's ``ResizeLongestSide``, written here because that
module needs torchvision; tests check the round trip image → frame → image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SamFrame:
    """Maps (x, y) image coordinates of a ``width`` x ``height`` image into the model frame."""

    width: int
    height: int
    target: int = 1024

    @property
    def input_size(self) -> tuple[int, int]:
        """(height, width) of the scaled image inside the ``target`` square."""
        scale = self.target / max(self.height, self.width)
        return int(self.height * scale + 0.5), int(self.width * scale + 0.5)

    @property
    def factors(self) -> tuple[float, float]:
        """(x factor, y factor) from image to frame."""
        new_h, new_w = self.input_size
        return new_w / self.width, new_h / self.height

    def to_frame(self, points: np.ndarray) -> np.ndarray:
        """(N, 2) image (x, y) → (N, 2) frame (x, y), float64."""
        fx, fy = self.factors
        return np.asarray(points, dtype=np.float64) * np.array([fx, fy])

    def to_image(self, points: np.ndarray) -> np.ndarray:
        """(N, 2) frame (x, y) → (N, 2) image (x, y): the inverse of ``to_frame``."""
        fx, fy = self.factors
        return np.asarray(points, dtype=np.float64) / np.array([fx, fy])

    def box_to_frame(self, box: tuple[float, float, float, float]) -> np.ndarray:
        """(x0, y0, x1, y1) in the image → the same corners in the frame, shape (4,)."""
        corners = self.to_frame(np.array([[box[0], box[1]], [box[2], box[3]]]))
        return corners.reshape(4)
