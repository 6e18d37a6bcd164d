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
    # The prompt given last, when the prompts were built in order (None: see ``latest``).
    last: Prompt | None = None

    def with_click(self, click: Click) -> Prompts:
        return replace(self, clicks=(*self.clicks, click), last=click)

    def with_box(self, box: Box) -> Prompts:
        return replace(self, box=box, last=box)

    def with_scribble(self, scribble: Scribble) -> Prompts:
        return replace(self, scribbles=(*self.scribbles, scribble), last=scribble)

    def with_prompt(self, prompt: Prompt) -> Prompts:
        if isinstance(prompt, Click):
            return self.with_click(prompt)
        if isinstance(prompt, Scribble):
            return self.with_scribble(prompt)
        return self.with_box(prompt)

    @property
    def latest(self) -> Prompt | None:
        """The prompt the engine answers now: ``last``, or else the latest click, scribble or box."""
        if self.last is not None:
            return self.last
        if self.clicks:
            return self.clicks[-1]
        return self.scribbles[-1] if self.scribbles else self.box

    @property
    def latest_click(self) -> Click | None:
        """The latest prompt if it is a click (a correction at one point), else None."""
        latest = self.latest
        return latest if isinstance(latest, Click) else None

    @property
    def has_positive(self) -> bool:
        """Whether any click or scribble marks the object."""
        return any(c.positive for c in self.clicks) or any(s.positive for s in self.scribbles)

    @property
    def positive_clicks(self) -> tuple[Click, ...]:
        return tuple(c for c in self.clicks if c.positive)


def shifted(prompt: Prompt, dx: float, dy: float) -> Prompt:
    """The same prompt moved by (``dx``, ``dy``) pixels (into a crop's coordinates, say)."""
    if isinstance(prompt, Click):
        return Click(prompt.x + dx, prompt.y + dy, prompt.positive)
    if isinstance(prompt, Scribble):
        points = tuple((x + dx, y + dy) for x, y in prompt.points)
        return Scribble(points=points, thickness=prompt.thickness, positive=prompt.positive)
    return Box(prompt.x0 + dx, prompt.y0 + dy, prompt.x1 + dx, prompt.y1 + dy)
