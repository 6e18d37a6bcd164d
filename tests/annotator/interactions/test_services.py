"""Sessions against the real database: clicks make masks, undo restores them exactly."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.annotations.models import Annotation
from annotator.interactions import services
from annotator.interactions.models import EventStatus, InteractionEvent, SessionState
from inference.evaluation.metrics import iou
from inference.masks import rle
from tests.annotator.interactions.driver import Driver
from tests.conftest import ProjectSetup
from tests.factories import LabelClassFactory

pytestmark = pytest.mark.django_db


def test_a_click_returns_a_patch_that_paints_the_object(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup)
    [frame] = driver.robot_click(driver.scene.masks[0])
    assert frame["type"] == "mask" and frame["kind"] == "click"
    assert frame["step"] == 1 and frame["steps"] == 1
    assert frame["engine_ms"] > 0
    assert iou(driver.scene.masks[0], driver.mask) >= 0.9
    assert frame["area"] == int(driver.mask.sum())


def test_undo_and_redo_restore_the_exact_masks(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup, width=200, height=150, objects=2, seed=1)
    truth = driver.scene.masks[0]
    driver.robot_click(truth)
    after_one = driver.mask.copy()
    driver.send("click", {"x": 5.0, "y": 5.0, "positive": False})
    driver.robot_click(driver.scene.masks[1])
    after_three = driver.mask.copy()
    assert not np.array_equal(after_three, after_one)
    driver.send("undo")
    driver.send("undo")
    assert np.array_equal(driver.mask, after_one)
    driver.send("redo")
    driver.send("redo")
    assert np.array_equal(driver.mask, after_three)
    driver.send("undo")
    driver.send("undo")
    [undo_all] = driver.send("undo")
    assert not driver.mask.any()
    assert undo_all["step"] == 0 and undo_all["clicks"] == []


def test_a_click_after_undo_refines_the_restored_mask(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup, width=200, height=150, objects=2, seed=1)
    driver.robot_click(driver.scene.masks[0])
    driver.send("click", {"x": 5.0, "y": 5.0, "positive": False})
    driver.send("undo")
    # The restored mask comes from the log, not from the engine; the next click builds on it.
    services.live_sessions.discard(driver.session.id)
    restored = driver.mask.copy()
    # A confirming click inside the object (nothing to change), then one on the other object.
    ys, xs = np.nonzero(restored)
    [frame] = driver.send("click", {"x": float(xs.mean()), "y": float(ys.mean()), "positive": True})
    assert frame["type"] == "mask" and frame["step"] == 2 and frame["steps"] == 2
    assert np.array_equal(driver.mask, restored)
    ys, xs = driver.scene.masks[1].nonzero()
    [frame] = driver.send("click", {"x": float(xs.mean()), "y": float(ys.mean()), "positive": True})
    assert frame["type"] == "mask" and frame["step"] == 3
    assert driver.mask[restored].all() and iou(driver.scene.masks[1], driver.mask & ~restored) >= 0.8


def test_a_step_handled_by_another_worker_makes_this_workers_memory_stale(
    project_setup: ProjectSetup,
) -> None:
    driver = Driver(project_setup, width=200, height=150, objects=2, seed=1)
    driver.robot_click(driver.scene.masks[0])
    after_one = driver.mask.copy()
    first_id = InteractionEvent.objects.get(client_event_id="e1").id
    before_second = services.live_sessions.get(driver.session.id, first_id)
    assert before_second is not None
    driver.robot_click(driver.scene.masks[1])
    # This worker remembers the session as it was before the second click, which another
    # worker applied; the next step must rebuild from the log, not trust that memory.
    services.live_sessions.put(driver.session.id, first_id, before_second)
    driver.send("undo")
    assert np.array_equal(driver.mask, after_one)
    services.live_sessions.discard(driver.session.id)
    driver.send("redo")
    driver.send("undo")
    assert np.array_equal(driver.mask, after_one)


def test_undo_with_nothing_to_undo_is_rejected_and_logged(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup)
    [frame] = driver.send("undo")
    assert frame["type"] == "error" and frame["code"] == "nothing_to_undo"
    assert InteractionEvent.objects.get(client_event_id="e1").status == EventStatus.REJECTED


def test_the_same_event_id_twice_is_recorded_and_applied_once(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup)
    payload = {"x": 80.0, "y": 60.0, "positive": True}
    first = driver.send("click", payload, event_id="same")
    event, created = services.event_record(
        session_id=driver.session.id, client_event_id="same", kind="click", payload=payload, seq=9
    )
    assert not created and event.status == EventStatus.APPLIED
    assert services.session_advance(session_id=driver.session.id).frames == []
    assert len(first) == 1
    assert InteractionEvent.objects.filter(session=driver.session).count() == 1


def test_accept_stores_the_current_mask_as_an_annotation(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup)
    driver.robot_click(driver.scene.masks[0])
    other = LabelClassFactory(project=project_setup.project, name="other")
    [frame] = driver.send("accept", {"class_id": other.id})
    assert frame["type"] == "accepted"
    annotation = Annotation.objects.get(id=frame["annotation_id"])
    assert np.array_equal(rle.decode(annotation.mask), driver.mask)
    assert annotation.area == int(driver.mask.sum())
    assert annotation.label_class == other
    assert annotation.author == project_setup.annotator
    assert annotation.source_session_id == driver.session.id
    driver.session.refresh_from_db()
    assert driver.session.state == SessionState.ACCEPTED
    [late] = driver.send("click", {"x": 1.0, "y": 1.0, "positive": True})
    assert late["code"] == "session_closed"


def test_accepting_an_empty_mask_is_refused(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup)
    [frame] = driver.send("accept")
    assert frame["code"] == "empty_mask"
    assert Annotation.objects.count() == 0


def test_opening_again_resumes_the_open_session(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup)
    other = LabelClassFactory(project=project_setup.project, name="other")
    again = services.session_open(user=project_setup.annotator, image=driver.image, label_class=other)
    assert again.id == driver.session.id and again.label_class == other


@pytest.mark.parametrize(
    ("kind", "payload"),
    [("click", {"x": 5.0, "positive": True}), ("choose", {"index": "first"}), ("teleport", {})],
)
def test_an_event_stored_malformed_is_rejected_and_the_session_goes_on(
    project_setup: ProjectSetup, kind: str, payload: dict
) -> None:
    # The consumer validates every frame, so such an event comes only from outside the protocol
    # (an edit of the log, an older version's events): it is refused, the clicks after it apply.
    driver = Driver(project_setup)
    [frame] = driver.send(kind, payload)
    assert frame["type"] == "error" and frame["code"] == "invalid_event"
    assert frame["event_id"] == "e1"
    assert InteractionEvent.objects.get(client_event_id="e1").status == EventStatus.REJECTED
    [frame] = driver.robot_click(driver.scene.masks[0])
    assert frame["type"] == "mask" and frame["step"] == 1
    assert iou(driver.scene.masks[0], driver.mask) >= 0.9
