"""SAM's three proposals on a first click: Tab shows the next one, as a step undo can take back."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from annotator.interactions import services
from annotator.interactions.models import EventStatus, InteractionEvent
from annotator.interactions.selectors import session_snapshot
from annotator.serving.sessions import live_sessions
from inference.engines.sam.engine import SamEngine
from inference.masks import rle
from tests.annotator.interactions.conftest import sam_project
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = pytest.mark.django_db


class Page:
    """Sends events through the services as the consumer and the task do; keeps the page's mask."""

    def __init__(self, setup: ProjectSetup) -> None:
        image, _ = upload_scene(setup.project, setup.admin, width=200, height=150, seed=3)
        self.session = services.session_open(user=setup.annotator, image=image, label_class=setup.label_class)
        self.mask = np.zeros((150, 200), dtype=bool)
        self.count = 0

    def send(self, kind: str, **payload: Any) -> dict[str, Any]:
        self.count += 1
        services.event_record(
            session_id=self.session.id,
            client_event_id=f"e{self.count}",
            kind=kind,
            payload=payload,
            seq=self.count,
        )
        [frame] = services.session_advance(session_id=self.session.id).frames
        if frame["type"] == "mask" and frame["patch"]["after"] is not None:
            x, y, w, h = frame["patch"]["bbox"]
            self.mask[y : y + h, x : x + w] = rle.decode(frame["patch"]["after"])
        return frame

    def proposals(self) -> list[np.ndarray]:
        first = InteractionEvent.objects.get(session=self.session, client_event_id="e1")
        return [rle.decode(r) for r in first.result["candidates"]]


def a_different_proposal(proposals: list[np.ndarray]) -> int:
    """An index whose mask differs from the one shown first (the tiny SAM's are random)."""
    return next(i for i in range(1, len(proposals)) if not np.array_equal(proposals[i], proposals[0]))


def clicked_and_chosen(setup: ProjectSetup) -> tuple[Page, list[np.ndarray], int]:
    """A SAM session whose first click's proposals are stored, with another one chosen."""
    sam_project(setup)
    page = Page(setup)
    page.send("click", x=100.0, y=75.0, positive=True)
    proposals = page.proposals()
    index = a_different_proposal(proposals)
    page.send("choose", index=index)
    return page, proposals, index


def test_the_first_click_offers_three_masks_and_choosing_one_shows_it(
    project_setup: ProjectSetup, sam_worker: SamEngine
) -> None:
    sam_project(project_setup)
    page = Page(project_setup)
    first = page.send("click", x=100.0, y=75.0, positive=True)
    assert (first["candidates"], first["choice"]) == (3, 0)
    proposals = page.proposals()
    assert np.array_equal(page.mask, proposals[0])
    index = a_different_proposal(proposals)
    chosen = page.send("choose", index=index)
    assert chosen["kind"] == "choose" and (chosen["candidates"], chosen["choice"]) == (3, index)
    assert (chosen["step"], chosen["steps"]) == (2, 2) and chosen["clicks"] == first["clicks"]
    assert np.array_equal(page.mask, proposals[index]) and chosen["area"] == int(proposals[index].sum())


def test_undo_returns_to_the_mask_shown_before_the_choice_and_the_log_replays_it(
    project_setup: ProjectSetup, sam_worker: SamEngine
) -> None:
    page, proposals, index = clicked_and_chosen(project_setup)
    undone = page.send("undo")
    assert undone["choice"] == 0 and np.array_equal(page.mask, proposals[0])
    # Another worker (nothing in memory) rebuilds the same history from the event log.
    live_sessions.discard(page.session.id)
    redone = page.send("redo")
    assert redone["choice"] == index and np.array_equal(page.mask, proposals[index])
    snapshot = session_snapshot(session=page.session)
    assert (snapshot["candidates"], snapshot["choice"], snapshot["step"]) == (3, index, 2)
    assert np.array_equal(rle.decode(snapshot["mask"]), proposals[index])


def test_the_next_click_refines_the_chosen_mask(
    project_setup: ProjectSetup, sam_worker: SamEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    page, proposals, index = clicked_and_chosen(project_setup)
    previous: list[np.ndarray | None] = []
    real = SamEngine.predict_candidates

    def spy(engine: SamEngine, prepared: Any, prompts: Any, previous_mask: np.ndarray | None) -> Any:
        previous.append(previous_mask)
        return real(engine, prepared, prompts, previous_mask)

    # Whichever decoder answers (the session's click-adapted copy by default).
    monkeypatch.setattr(SamEngine, "predict_candidates", spy)
    second = page.send("click", x=40.0, y=30.0, positive=False)
    assert previous[0] is not None and np.array_equal(previous[0], proposals[index])
    assert len(second["clicks"]) == 2 and second["candidates"] == 0


def test_choosing_where_there_is_nothing_to_choose_is_refused_and_logged(
    project_setup: ProjectSetup, sam_worker: SamEngine
) -> None:
    sam_project(project_setup)
    page = Page(project_setup)
    assert page.send("choose", index=1)["code"] == "no_candidates"
    page.send("click", x=100.0, y=75.0, positive=True)
    assert page.send("choose", index=3)["code"] == "invalid_candidate"
    assert page.send("choose", index=0)["code"] == "invalid_candidate"  # already shown
    page.send("click", x=40.0, y=30.0, positive=False)
    refused = page.send("choose", index=1)
    assert refused["type"] == "error" and refused["code"] == "no_candidates"
    statuses = list(InteractionEvent.objects.filter(session=page.session).values_list("status", flat=True))
    assert statuses.count(EventStatus.REJECTED) == 4


def test_grabcut_proposes_a_single_mask(project_setup: ProjectSetup) -> None:
    page = Page(project_setup)
    first = page.send("click", x=100.0, y=75.0, positive=True)
    assert first["candidates"] == 0
    assert page.send("choose", index=1)["code"] == "no_candidates"
