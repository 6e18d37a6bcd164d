"""A session's undo history, rebuilt from its applied events.

The state of an interactive session is data: the list of steps (each with what the annotator
did and the full mask after it) and a cursor. A step is a model prompt (click, box, scribble),
a brush or eraser stroke, or the start from an existing mask. A step may also carry the other
masks the engine proposed (SAM on a first click); choosing one of them is a step of its own,
without a prompt.
Undo moves the cursor back, redo forward, a new step drops the steps past the cursor. Replaying
the event log rebuilds it exactly, on any worker, without running a model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inference.masks.manual import BrushStroke, locked_pixels
from inference.masks.rle import Rle
from inference.prompts import Box, Click, Prompts, Scribble


@dataclass(frozen=True)
class StartFrom:
    """The session began from an existing annotation's mask (its revision ``revision``), which
    the next steps correct."""

    annotation_id: int
    revision: int | None = None


Action = Click | Box | Scribble | BrushStroke | StartFrom


@dataclass(frozen=True)
class Step:
    """``prompt`` is None for a step that chose another of the proposed masks."""

    prompt: Action | None
    mask: Rle
    candidates: tuple[Rle, ...] = ()
    choice: int = 0


@dataclass
class SessionHistory:
    steps: list[Step] = field(default_factory=list)
    cursor: int = 0

    @property
    def current(self) -> Step | None:
        return self.steps[self.cursor - 1] if self.cursor else None

    @property
    def current_mask(self) -> Rle | None:
        current = self.current
        return current.mask if current is not None else None

    @property
    def can_undo(self) -> bool:
        return self.cursor > 0

    @property
    def can_redo(self) -> bool:
        return self.cursor < len(self.steps)

    @property
    def active(self) -> list[Step]:
        return self.steps[: self.cursor]

    def prompts(self) -> Prompts:
        """The model prompts of the active steps; the latest box wins."""
        return self._prompts_until(len(self.active))

    def click_prompts(self) -> list[Prompts]:
        """The model prompts as they stood after each active click, in order (what click
        adaptation learnt from, replayed on a worker that did not see the clicks)."""
        active = self.active
        return [self._prompts_until(i + 1) for i, step in enumerate(active) if isinstance(step.prompt, Click)]

    def _prompts_until(self, count: int) -> Prompts:
        clicks: list[Click] = []
        scribbles: list[Scribble] = []
        box: Box | None = None
        last: Click | Scribble | Box | None = None
        for step in self.active[:count]:
            if isinstance(step.prompt, Click):
                clicks.append(step.prompt)
            elif isinstance(step.prompt, Scribble):
                scribbles.append(step.prompt)
            elif isinstance(step.prompt, Box):
                box = step.prompt
            else:
                continue
            last = step.prompt
        return Prompts(
            clicks=tuple(clicks),
            box=box,
            scribbles=tuple(scribbles),
            from_mask=self.started_from is not None,
            last=last,
        )

    @property
    def started_from(self) -> int | None:
        """The annotation the active steps correct, if the session began from one."""
        start = self.start
        return start.annotation_id if start is not None else None

    @property
    def start(self) -> StartFrom | None:
        """The active start from an annotation (which one, at which revision), if any."""
        for step in self.active:
            if isinstance(step.prompt, StartFrom):
                return step.prompt
        return None

    def locked(self, height: int, width: int, then: Click | Scribble | None = None) -> np.ndarray | None:
        """Pixels the next model step keeps: brush strokes not since clicked or scribbled in.

        ``then`` is the prompt of that next step (a click inside a stroke releases it).
        """
        actions = [s.prompt for s in self.active if isinstance(s.prompt, (BrushStroke, Click, Scribble))]
        if then is not None:
            actions.append(then)
        return locked_pixels(actions, height, width)

    def push(self, step: Step) -> None:
        del self.steps[self.cursor :]
        self.steps.append(step)
        self.cursor += 1

    def choose(self, index: int) -> Step:
        """Show proposed mask ``index`` of the current step instead (a new step)."""
        current = self.current
        if current is None or not current.candidates:
            raise ValueError("no proposed masks to choose from")
        if not 0 <= index < len(current.candidates):
            raise ValueError(f"there are {len(current.candidates)} proposed masks")
        step = Step(prompt=None, mask=current.candidates[index], candidates=current.candidates, choice=index)
        self.push(step)
        return step

    def undo(self) -> None:
        if not self.can_undo:
            raise ValueError("nothing to undo")
        self.cursor -= 1

    def redo(self) -> None:
        if not self.can_redo:
            raise ValueError("nothing to redo")
        self.cursor += 1

    def click_list(self) -> list[list[Any]]:
        """Active clicks as [x, y, positive] for the page's markers."""
        return [[c.x, c.y, c.positive] for c in self.prompts().clicks]

    @classmethod
    def replay(cls, events: Iterable[tuple[str, dict[str, Any], dict[str, Any] | None]]) -> SessionHistory:
        """Rebuild from applied events as (kind, payload, result), in log order."""
        history = cls()
        for kind, payload, result in events:
            if kind in STEP_KINDS and result is not None:
                candidates = tuple(result.get("candidates", ()))
                prompt = prompt_from_payload(kind, payload)
                if isinstance(prompt, StartFrom):
                    prompt = StartFrom(prompt.annotation_id, result.get("revision"))
                history.push(Step(prompt=prompt, mask=result["mask"], candidates=candidates))
            elif kind == "choose" and result is not None:
                history.choose(int(result["index"]))
            elif kind == "undo":
                history.undo()
            elif kind == "redo":
                history.redo()
        return history


def page_fields(history: SessionHistory) -> dict[str, Any]:
    """What the page draws besides the mask: the history's position, the active clicks and
    scribbles, the proposed masks (how many, which is shown), and the annotation being corrected."""
    current = history.current
    scribbles = [s.prompt for s in history.active if isinstance(s.prompt, Scribble)]
    return {
        "step": history.cursor,
        "steps": len(history.steps),
        "clicks": history.click_list(),
        "scribbles": [
            {"points": [list(p) for p in s.points], "thickness": s.thickness, "positive": s.positive}
            for s in scribbles
        ],
        "candidates": len(current.candidates) if current is not None else 0,
        "choice": current.choice if current is not None else 0,
        "started_from": history.started_from,
        "started_revision": history.start.revision if history.start is not None else None,
    }


# Event kinds that add a step holding its mask (``choose`` adds one from the proposed masks).
STEP_KINDS = ("click", "box", "scribble", "brush", "start")


def _points(payload: dict[str, Any]) -> tuple[tuple[float, float], ...]:
    return tuple((float(x), float(y)) for x, y in payload["points"])


def prompt_from_payload(kind: str, payload: dict[str, Any]) -> Action:
    """The step an event of ``kind`` describes (payloads as ``protocol.parse`` made them)."""
    if kind == "click":
        return Click(x=float(payload["x"]), y=float(payload["y"]), positive=bool(payload["positive"]))
    if kind == "scribble":
        return Scribble(
            points=_points(payload), thickness=float(payload["thickness"]), positive=bool(payload["positive"])
        )
    if kind == "brush":
        return BrushStroke(points=_points(payload), size=float(payload["size"]), erase=bool(payload["erase"]))
    if kind == "start":
        return StartFrom(annotation_id=int(payload["annotation_id"]))
    return Box(
        x0=float(payload["x0"]), y0=float(payload["y0"]), x1=float(payload["x1"]), y1=float(payload["y1"])
    )
