"""A session's undo history, rebuilt from its applied events.

The state of an interactive session is data: the list of model steps (each with its prompt
and the full mask after it) and a cursor. A step may also carry the other masks the engine
proposed (SAM on a first click); choosing one of them is a step of its own, without a prompt.
Undo moves the cursor back, redo forward, a new step drops the steps past the cursor. Replaying
the event log rebuilds it exactly, on any worker, without running a model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from inference.masks.rle import Rle
from inference.prompts import Box, Click, Prompts


@dataclass(frozen=True)
class Step:
    """``prompt`` is None for a step that chose another of the proposed masks."""

    prompt: Click | Box | None
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

    def prompts(self) -> Prompts:
        """The prompts of the active steps; the latest box wins."""
        clicks: list[Click] = []
        box: Box | None = None
        for step in self.steps[: self.cursor]:
            if isinstance(step.prompt, Click):
                clicks.append(step.prompt)
            elif isinstance(step.prompt, Box):
                box = step.prompt
        return Prompts(clicks=tuple(clicks), box=box)

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
            if kind in ("click", "box") and result is not None:
                candidates = tuple(result.get("candidates", ()))
                history.push(
                    Step(
                        prompt=prompt_from_payload(kind, payload), mask=result["mask"], candidates=candidates
                    )
                )
            elif kind == "choose" and result is not None:
                history.choose(int(result["index"]))
            elif kind == "undo":
                history.undo()
            elif kind == "redo":
                history.redo()
        return history


def candidate_fields(history: SessionHistory) -> dict[str, int]:
    """What the page needs to cycle through proposed masks: how many, and which is shown."""
    current = history.current
    if current is None:
        return {"candidates": 0, "choice": 0}
    return {"candidates": len(current.candidates), "choice": current.choice}


def prompt_from_payload(kind: str, payload: dict[str, Any]) -> Click | Box:
    if kind == "click":
        return Click(x=float(payload["x"]), y=float(payload["y"]), positive=bool(payload["positive"]))
    return Box(
        x0=float(payload["x0"]), y0=float(payload["y0"]), x1=float(payload["x1"]), y1=float(payload["y1"])
    )
