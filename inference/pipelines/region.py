"""Rectangles of an image that pipeline stages run the engine on, and prompts moved into them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.prompts import Box, Click, Prompts, Scribble, shifted


@dataclass(frozen=True)
class Region:
    """A rectangle ``[y0:y1, x0:x1]`` of the image, clipped to it."""

    x0: int
    y0: int
    x1: int
    y1: int

    @classmethod
    def around(cls, click: Click, radius: float, width: int, height: int, min_radius: float) -> Region:
        r = max(radius, min_radius)
        x0, y0 = max(0, int(np.floor(click.x - r))), max(0, int(np.floor(click.y - r)))
        x1, y1 = min(width, int(np.ceil(click.x + r)) + 1), min(height, int(np.ceil(click.y + r)) + 1)
        return cls(x0, y0, x1, y1)

    @property
    def slices(self) -> tuple[slice, slice]:
        return slice(self.y0, self.y1), slice(self.x0, self.x1)

    def prompts(self, prompts: Prompts) -> Prompts:
        """The prompts inside the patch, in its coordinates (a box is clipped to it)."""
        w, h = self.x1 - self.x0, self.y1 - self.y0
        clicks = tuple(
            Click(c.x - self.x0, c.y - self.y0, c.positive)
            for c in prompts.clicks
            if self.x0 <= c.x < self.x1 and self.y0 <= c.y < self.y1
        )
        box = None
        if prompts.box is not None:
            b = prompts.box
            x0, y0 = max(0.0, b.x0 - self.x0), max(0.0, b.y0 - self.y0)
            x1, y1 = min(w - 1.0, b.x1 - self.x0), min(h - 1.0, b.y1 - self.y0)
            box = Box(x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None
        scribbles = []
        for s in prompts.scribbles:
            points = tuple(
                (x - self.x0, y - self.y0)
                for x, y in s.points
                if 0 <= x - self.x0 < w and 0 <= y - self.y0 < h
            )
            if points:
                scribbles.append(Scribble(points=points, thickness=s.thickness, positive=s.positive))
        latest = None if prompts.latest is None else shifted(prompts.latest, -self.x0, -self.y0)
        return Prompts(clicks=clicks, box=box, scribbles=tuple(scribbles), last=latest)

    @classmethod
    def expanded(
        cls,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        ratio: float,
        width: int,
        height: int,
        min_side: float,
    ) -> Region:
        """The pixels x0..x1, y0..y1 (inclusive) grown ``ratio`` times about their centre, at
        least ``min_side`` on each side, clipped to the image."""
        w = max(int(np.ceil((x1 - x0 + 1) * ratio)), int(min_side))
        h = max(int(np.ceil((y1 - y0 + 1) * ratio)), int(min_side))
        left = int(np.floor((x0 + x1 + 1) / 2.0 - w / 2.0))
        top = int(np.floor((y0 + y1 + 1) / 2.0 - h / 2.0))
        return cls(max(0, left), max(0, top), min(width, left + w), min(height, top + h))

    def paste(self, full: np.ndarray, part: np.ndarray) -> np.ndarray:
        """A copy of ``full`` with ``part`` written into this region."""
        out = full.copy()
        out[self.slices] = part
        return out
