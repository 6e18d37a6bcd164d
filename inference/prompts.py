"""Prompts an annotator gives an engine: clicks and boxes, in image pixel coordinates."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Click:
    """One click at pixel (x, y) of the full-resolution image.

    x is the column and y the row, both in [0, width) and [0, height); sub-pixel
    values are allowed. ``positive`` marks the object, a negative click marks background.
    """

    x: float
    y: float
    positive: bool


@dataclass(frozen=True)
class Box:
    """An axis-aligned box (x0, y0) to (x1, y1) in image pixels, x0 <= x1 and y0 <= y1."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Prompts:
    """Everything the annotator has said about one object so far, in order."""

    clicks: tuple[Click, ...] = field(default_factory=tuple)
    box: Box | None = None

    def with_click(self, click: Click) -> Prompts:
        return Prompts(clicks=(*self.clicks, click), box=self.box)

    def with_box(self, box: Box) -> Prompts:
        return Prompts(clicks=self.clicks, box=box)

    def with_prompt(self, prompt: Click | Box) -> Prompts:
        return self.with_click(prompt) if isinstance(prompt, Click) else self.with_box(prompt)

    @property
    def positive_clicks(self) -> tuple[Click, ...]:
        return tuple(c for c in self.clicks if c.positive)

    @property
    def negative_clicks(self) -> tuple[Click, ...]:
        return tuple(c for c in self.clicks if not c.positive)
