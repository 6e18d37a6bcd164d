"""The undo history rebuilt from an event log."""

from __future__ import annotations

import pytest

from annotator.serving.history import SessionHistory
from inference.prompts import Click, Scribble

MASK_A = {"size": [2, 2], "counts": "a"}
MASK_B = {"size": [2, 2], "counts": "b"}
MASK_C = {"size": [2, 2], "counts": "c"}


def click(x: float, mask: dict) -> tuple[str, dict, dict]:
    return ("click", {"x": x, "y": 0.0, "positive": True}, {"mask": mask})


def test_undo_then_a_new_click_drops_the_redo_branch() -> None:
    history = SessionHistory.replay(
        [click(1, MASK_A), click(2, MASK_B), ("undo", {}, None), click(3, MASK_C)]
    )
    assert history.cursor == 2
    assert [s.mask for s in history.steps] == [MASK_A, MASK_C]
    assert [c.x for c in history.prompts().clicks] == [1.0, 3.0]
    assert not history.can_redo


def test_undo_and_redo_move_the_cursor_over_the_stored_masks() -> None:
    history = SessionHistory.replay(
        [click(1, MASK_A), click(2, MASK_B), ("undo", {}, None), ("undo", {}, None)]
    )
    assert history.current_mask is None
    assert history.prompts().clicks == ()
    history.redo()
    assert history.current_mask == MASK_A
    assert history.click_list() == [[1.0, 0.0, True]]


def test_undo_past_the_start_is_refused() -> None:
    with pytest.raises(ValueError):
        SessionHistory().undo()


def test_latest_box_is_the_prompt_box() -> None:
    box = ("box", {"x0": 1, "y0": 2, "x1": 5, "y1": 6}, {"mask": MASK_A})
    history = SessionHistory.replay([box, click(3, MASK_B)])
    prompts = history.prompts()
    assert prompts.box is not None and (prompts.box.x0, prompts.box.y1) == (1.0, 6.0)
    assert len(prompts.clicks) == 1


def test_choosing_a_proposed_mask_is_a_step_that_adds_no_prompt() -> None:
    first = (
        "click",
        {"x": 1.0, "y": 0.0, "positive": True},
        {"mask": MASK_A, "candidates": [MASK_A, MASK_B, MASK_C]},
    )
    history = SessionHistory.replay([first, ("choose", {"index": 2}, {"mask": MASK_C, "index": 2})])
    assert history.current_mask == MASK_C and (history.cursor, len(history.steps)) == (2, 2)
    assert [c.x for c in history.prompts().clicks] == [1.0]
    history.undo()
    assert history.current_mask == MASK_A and history.current is not None and history.current.choice == 0
    history.choose(1)
    assert history.current_mask == MASK_B and not history.can_redo
    with pytest.raises(ValueError):
        history.choose(3)


def test_the_prompts_know_a_scribble_came_after_the_clicks() -> None:
    scribble = ("scribble", {"points": [[4, 0], [4, 3]], "thickness": 3, "positive": False}, {"mask": MASK_C})
    history = SessionHistory.replay([click(1, MASK_A), scribble, click(2, MASK_B), ("undo", {}, None)])
    latest = history.prompts().latest
    assert isinstance(latest, Scribble) and not latest.positive  # the undone click is not the latest
    assert history.prompts().latest_click is None
    history.redo()
    assert history.prompts().latest_click == Click(x=2.0, y=0.0, positive=True)
