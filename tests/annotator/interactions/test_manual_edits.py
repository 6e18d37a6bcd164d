"""Brush and eraser strokes, scribbles and starting from an existing mask, through the service."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.annotations.models import Annotation
from annotator.annotations.services import annotation_create
from annotator.interactions import services
from inference.evaluation.metrics import iou
from inference.masks import rle
from inference.masks.manual import BrushStroke
from tests.annotator.interactions.driver import Driver
from tests.conftest import ProjectSetup

pytestmark = pytest.mark.django_db

# A horizontal stroke through the middle of the object (the scene's object is centred).
STRIPE = {"points": [[40.0, 60.0], [120.0, 60.0]], "size": 9.0}
# A blob in the top-left corner, which is background in every scene of this size.
CORNER = {"points": [[5.0, 5.0], [12.0, 5.0]], "size": 5.0, "erase": False}


def centre(mask: np.ndarray) -> dict[str, float]:
    ys, xs = np.nonzero(mask)
    return {"x": float(np.median(xs)), "y": float(np.median(ys))}


def stroke_pixels(stroke: dict, shape: tuple[int, ...], erase: bool = False) -> np.ndarray:
    points = tuple((x, y) for x, y in stroke["points"])
    return BrushStroke(points=points, size=stroke["size"], erase=erase).pixels(shape[0], shape[1])


def test_brush_and_eraser_set_exactly_their_pixels(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup)
    truth = driver.scene.masks[0]
    driver.robot_click(truth)
    before = driver.mask.copy()
    [frame] = driver.send("brush", {**STRIPE, "erase": True})
    stripe = stroke_pixels(STRIPE, truth.shape)
    assert frame["type"] == "mask" and frame["kind"] == "brush" and frame["step"] == 2
    assert not driver.mask[stripe].any()
    assert np.array_equal(driver.mask[~stripe], before[~stripe])
    assert frame["area"] == int(driver.mask.sum()) and frame["engine_ms"] is None
    [frame] = driver.send("brush", CORNER)
    corner = stroke_pixels(CORNER, truth.shape)
    assert not (corner & truth).any() and driver.mask[corner].all()
    assert frame["step"] == 3


def test_a_later_click_elsewhere_leaves_the_strokes_alone_and_one_inside_releases_them(
    project_setup: ProjectSetup,
) -> None:
    driver = Driver(project_setup)
    truth = driver.scene.masks[0]
    driver.robot_click(truth)
    driver.send("brush", {**STRIPE, "erase": True})
    driver.send("brush", CORNER)
    stripe = stroke_pixels(STRIPE, truth.shape)
    corner = stroke_pixels(CORNER, truth.shape)
    # A positive click inside the object, away from the stripe: the engine would fill the
    # stripe (it has the object's colour) and drop the corner blob; both strokes stay.
    ys, xs = np.nonzero(truth & ~stripe)
    far = int(np.argmax(np.abs(ys - 60)))
    [frame] = driver.send("click", {"x": float(xs[far]), "y": float(ys[far]), "positive": True})
    assert frame["type"] == "mask"
    assert not driver.mask[stripe].any() and driver.mask[corner].all()
    assert iou(truth & ~stripe, driver.mask & ~corner) >= 0.85
    # A click on the stripe hands its pixels back to the engine, which fills the object again.
    driver.send("click", {"x": 80.0, "y": 60.0, "positive": True})
    assert driver.mask[stripe & truth].mean() > 0.9
    assert driver.mask[corner].all()


def test_undo_after_a_merge_step_restores_its_pixels_even_after_a_brush_edit_elsewhere(
    project_setup: ProjectSetup,
) -> None:
    project_setup.project.pipeline = "merge"
    project_setup.project.save(update_fields=["pipeline"])
    driver = Driver(project_setup)
    assert driver.session.pipeline == "merge"
    truth = driver.scene.masks[0]
    coarse = truth.copy()
    coarse[70:] = False  # the lower part is missing
    earlier = annotation_create(
        image=driver.image,
        label_class=project_setup.label_class,
        mask=rle.encode(coarse),
        author=project_setup.admin,
    )
    [start] = driver.send("start", {"annotation_id": earlier.id})
    assert start["started_from"] == earlier.id and np.array_equal(driver.mask, coarse)
    driver.send("brush", CORNER)
    after_brush = driver.mask.copy()
    [merged] = driver.send("click", {**centre(truth & ~coarse), "positive": True})
    assert merged["type"] == "mask"
    after_merge = driver.mask.copy()
    assert after_merge[truth & ~coarse].mean() > 0.8
    # Progressive merge changed only the clicked region: the upper part and the blob are as they were.
    assert np.array_equal(after_merge[:60], after_brush[:60])
    driver.send("undo")
    assert np.array_equal(driver.mask, after_brush)
    services.live_sessions.discard(driver.session.id)  # the next worker rebuilds from the log
    driver.send("redo")
    assert np.array_equal(driver.mask, after_merge)


def test_accepting_a_session_started_from_an_annotation_corrects_that_annotation(
    project_setup: ProjectSetup,
) -> None:
    driver = Driver(project_setup)
    truth = driver.scene.masks[0]
    coarse = truth.copy()
    coarse[70:] = False
    earlier = annotation_create(
        image=driver.image,
        label_class=project_setup.label_class,
        mask=rle.encode(coarse),
        author=project_setup.admin,
    )
    driver.send("start", {"annotation_id": earlier.id})
    driver.send("click", {**centre(truth & ~coarse), "positive": True})
    [accepted] = driver.send("accept")
    assert accepted["type"] == "accepted" and accepted["annotation_id"] == earlier.id
    assert Annotation.objects.count() == 1
    earlier.refresh_from_db()
    assert np.array_equal(rle.decode(earlier.mask), driver.mask)
    assert iou(truth, driver.mask) > iou(truth, coarse)
    # The correction is a revision by the one who made it; the object keeps its author.
    assert earlier.author == project_setup.admin and earlier.revision == 2
    first, second = earlier.revisions.order_by("number")
    assert (first.kind, first.user, second.kind, second.user) == (
        "created",
        project_setup.admin,
        "corrected",
        project_setup.annotator,
    )
    assert rle.decode(first.mask).sum() == coarse.sum()
    assert earlier.area == int(driver.mask.sum())


def test_start_is_refused_on_a_non_empty_object_and_for_another_images_annotation(
    project_setup: ProjectSetup,
) -> None:
    other = Driver(project_setup, seed=3)
    foreign = annotation_create(
        image=other.image,
        label_class=project_setup.label_class,
        mask=rle.encode(other.scene.masks[0]),
        author=project_setup.admin,
    )
    driver = Driver(project_setup)
    [frame] = driver.send("start", {"annotation_id": foreign.id})
    assert frame["type"] == "error" and frame["code"] == "unknown_annotation"
    own = annotation_create(
        image=driver.image,
        label_class=project_setup.label_class,
        mask=rle.encode(driver.scene.masks[0]),
        author=project_setup.admin,
    )
    driver.robot_click(driver.scene.masks[0])
    [frame] = driver.send("start", {"annotation_id": own.id})
    assert frame["type"] == "error" and frame["code"] == "not_empty"
    assert frame["event_id"] == "e3"


def test_a_scribble_along_the_object_outlines_it_and_is_drawn_back(project_setup: ProjectSetup) -> None:
    driver = Driver(project_setup)
    truth = driver.scene.masks[0]
    points = [[60.0, 60.0], [80.0, 58.0], [100.0, 62.0]]
    assert all(truth[int(y), int(x)] for x, y in points)
    [frame] = driver.send("scribble", {"points": points, "thickness": 3.0, "positive": True})
    assert frame["type"] == "mask" and frame["kind"] == "scribble"
    assert iou(truth, driver.mask) >= 0.85
    assert frame["scribbles"] == [{"points": points, "thickness": 3.0, "positive": True}]
    driver.send("scribble", {"points": [[5.0, 5.0], [30.0, 5.0]], "thickness": 3.0, "positive": False})
    assert iou(truth, driver.mask) >= 0.85
    [undo] = driver.send("undo")
    assert len(undo["scribbles"]) == 1
