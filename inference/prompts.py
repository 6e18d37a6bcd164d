"""Prompts an annotator gives an engine: clicks, boxes and scribbles, in image pixel coordinates."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


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
class Scribble:
    """A freehand stroke: a polyline through ``points`` ((x, y) pixels), ``thickness`` px wide.

    ``positive`` marks the object, a negative scribble marks background.
    """

    points: tuple[tuple[float, float], ...]
    thickness: float
    positive: bool

    def __post_init__(self) -> None:
        if not self.points:
            raise ValueError("a scribble needs at least one point")
        if self.thickness <= 0:
            raise ValueError("a scribble's thickness must be positive")


Prompt = Click | Box | Scribble


@dataclass(frozen=True)
class Prompts:
    """Everything the annotator has said about one object so far, in order."""

    clicks: tuple[Click, ...] = field(default_factory=tuple)
    box: Box | None = None
    scribbles: tuple[Scribble, ...] = field(default_factory=tuple)
    # The object began from an existing mask (an import, an earlier annotation, a coarse mask)
    # that the prompts correct, rather than from nothing.
    from_mask: bool = False

    def with_click(self, click: Click) -> Prompts:
        return replace(self, clicks=(*self.clicks, click))

    def with_box(self, box: Box) -> Prompts:
        return replace(self, box=box)

    def with_scribble(self, scribble: Scribble) -> Prompts:
        return replace(self, scribbles=(*self.scribbles, scribble))

    def with_prompt(self, prompt: Prompt) -> Prompts:
        if isinstance(prompt, Click):
            return self.with_click(prompt)
        if isinstance(prompt, Scribble):
            return self.with_scribble(prompt)
        return self.with_box(prompt)

    @property
    def has_positive(self) -> bool:
        """Whether any click or scribble marks the object."""
        return any(c.positive for c in self.clicks) or any(s.positive for s in self.scribbles)

    @property
    def positive_clicks(self) -> tuple[Click, ...]:
        return tuple(c for c in self.clicks if c.positive)

    @property
    def negative_clicks(self) -> tuple[Click, ...]:
        return tuple(c for c in self.clicks if not c.positive)
