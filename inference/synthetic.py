"""Synthetic scenes: filled shapes on a textured background, with their exact masks.

Used for the demo project's sample images, for tests (so a fresh clone needs no dataset)
and for benchmarks at a chosen resolution. Deterministic given ``seed``.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Scene:
    """``image``: (H, W, 3) uint8 RGB. ``masks``: one (H, W) bool mask per object."""

    image: np.ndarray
    masks: list[np.ndarray]


def textured_background(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """Smooth colour gradients plus blotchy noise, (H, W, 3) uint8 RGB."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack(
        [
            90 + 50 * np.sin(xs / (width / 3.1)),
            110 + 40 * np.cos(ys / (height / 2.3)),
            80 + 30 * np.sin((xs + ys) / (width / 2.0)),
        ],
        axis=-1,
    )
    small = rng.normal(0, 28, size=(max(2, height // 16), max(2, width // 16), 3)).astype(np.float32)
    blotches = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    grain = rng.normal(0, 9, size=(height, width, 3)).astype(np.float32)
    return np.clip(base + blotches + grain, 0, 255).astype(np.uint8)


def make_scene(width: int, height: int, *, objects: int = 3, seed: int = 0) -> Scene:
    """A background with ``objects`` non-overlapping filled shapes in saturated colours."""
    rng = np.random.default_rng(seed)
    image = textured_background(width, height, rng)
    palette = [(220, 40, 40), (250, 210, 30), (40, 90, 230), (240, 240, 240), (30, 30, 30)]
    masks: list[np.ndarray] = []
    taken = np.zeros((height, width), dtype=bool)
    cells = max(1, objects)
    for index in range(objects):
        cell_w = width // cells
        cx = int(cell_w * index + cell_w / 2)
        cy = int(height * rng.uniform(0.4, 0.6))
        rx = int(cell_w * rng.uniform(0.25, 0.38))
        ry = int(height * rng.uniform(0.18, 0.3))
        shape = np.zeros((height, width), dtype=np.uint8)
        if index % 2 == 0:
            cv2.ellipse(shape, (cx, cy), (rx, ry), float(rng.uniform(0, 180)), 0, 360, 1, -1)
        else:
            angles = np.sort(rng.uniform(0, 2 * np.pi, size=7))
            radii = rng.uniform(0.7, 1.0, size=7)
            points = np.stack([cx + rx * radii * np.cos(angles), cy + ry * radii * np.sin(angles)], axis=1)
            cv2.fillPoly(shape, [points.astype(np.int32)], 1)
        mask = shape.astype(bool) & ~taken
        colour = np.array(palette[index % len(palette)], dtype=np.float32)
        shade = rng.normal(0, 6, size=(height, width, 1)).astype(np.float32)
        image[mask] = np.clip(colour + shade[mask], 0, 255).astype(np.uint8)
        taken |= mask
        masks.append(mask)
    return Scene(image=image, masks=masks)
