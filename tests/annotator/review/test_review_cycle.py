"""The review loop, object by object: done → rejected with a pinned comment → first in the
annotator's queue, comment shown → one object fixed → the reviewer sees only that one as
changed, with what it was → accepted → the image is accepted; and what is refused."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from rest_framework.test import APIClient

from annotator.images.assignments import images_assign
from annotator.images.models import ImageAsset, ImageStatus
from annotator.interactions import services as sessions
from annotator.projects.models import Assignment, Role
from inference.masks import rle
from tests.conftest import ProjectSetup
from tests.factories import MembershipFactory, upload_scene
from tests.saved_objects import save_object

pytestmark = pytest.mark.django_db


def client_for(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def correct_with_a_stroke(setup: ProjectSetup, image: ImageAsset, annotation_id: int, x: float) -> None:
    """The annotator corrects an object as the page does: start from it, paint, accept."""
    session = sessions.session_open(user=setup.annotator, image=image, label_class=setup.label_class)
    for i, (kind, payload) in enumerate(
        [
            ("start", {"annotation_id": annotation_id}),
            ("brush", {"points": [[x, 4.0], [x, 20.0]], "size": 3.0, "erase": False}),
            ("accept", {"class_id": setup.label_class.id}),
        ]
    ):
        sessions.event_record(
            session_id=session.id, client_event_id=f"fix{i}", kind=kind, payload=payload, seq=i
        )
        frames = sessions.session_advance(session_id=session.id).frames
        assert frames[-1]["type"] != "error", frames


@pytest.fixture
def reviewed(project_setup: ProjectSetup) -> dict[str, Any]:
    project = project_setup.project
    project.assignment = Assignment.ASSIGNED
    project.save()
    earlier, _ = upload_scene(project, project_setup.admin, seed=1)
    image, _ = upload_scene(project, project_setup.admin, seed=2)
    images_assign(
        project=project,
        user=project_setup.annotator,
        assigned_by=project_setup.admin,
        image_ids=[earlier.id, image.id],
    )
    good = save_object(image, project_setup.label_class, project_setup.annotator, at=4)
    bad = save_object(image, project_setup.label_class, project_setup.annotator, at=40)
    reviewer = MembershipFactory(project=project, role=Role.REVIEWER).user
    annotator = client_for(project_setup.annotator)
    assert (
        annotator.post(f"/api/images/{image.id}/status/", {"status": "done"}, format="json").data["status"]
        == "done"
    )
    return {
        "image": image,
        "earlier": earlier,
        "good": good,
        "bad": bad,
        "reviewer": client_for(reviewer),
        "annotator": annotator,
    }


def test_the_review_loop_object_by_object(project_setup: ProjectSetup, reviewed: dict[str, Any]) -> None:
    image, good, bad = reviewed["image"], reviewed["good"], reviewed["bad"]
    reviewer, annotator = reviewed["reviewer"], reviewed["annotator"]
    queue = reviewer.get(f"/api/projects/{project_setup.project.id}/review/").data["results"]
    assert [i["id"] for i in queue] == [image.id]
    verdict_url = f"/api/images/{image.id}/review/objects/"
    assert (
        reviewer.post(f"{verdict_url}{good.id}/", {"verdict": "accepted"}, format="json").status_code == 201
    )
    rejected = reviewer.post(
        f"{verdict_url}{bad.id}/",
        {"verdict": "rejected", "comment": "misses the top", "x": 45.0, "y": 41.0},
        format="json",
    )
    assert rejected.status_code == 201 and rejected.data["revision"] == 1
    finished = reviewer.post(f"/api/images/{image.id}/review/finish/", {}, format="json")
    assert finished.data["outcome"] == "needs_fixes" and (
        finished.data["accepted"],
        finished.data["rejected"],
    ) == (1, 1)

    # Sent back: first in the annotator's queue, with the pinned comment to see.
    work = annotator.get(f"/api/projects/{project_setup.project.id}/work/").data["results"]
    assert [i["id"] for i in work] == [image.id, reviewed["earlier"].id]
    seen = annotator.get(f"/api/images/{image.id}/review/").data
    assert [(c["annotation"], c["text"], c["x"], c["y"], c["resolved_at"]) for c in seen["comments"]] == [
        (bad.id, "misses the top", 45.0, 41.0, None)
    ]
    assert {o["annotation"]["id"]: (o["state"], o["verdict"]["verdict"]) for o in seen["objects"]} == {
        good.id: ("reviewed", "accepted"),
        bad.id: ("reviewed", "rejected"),
    }

    correct_with_a_stroke(project_setup, image, bad.id, x=50.0)
    assert (
        annotator.post(f"/api/images/{image.id}/status/", {"status": "done"}, format="json").data["status"]
        == "done"
    )

    # The reviewer sees only the fixed object as changed, and what it was before.
    again = reviewer.get(f"/api/images/{image.id}/review/").data
    states = {o["annotation"]["id"]: o for o in again["objects"]}
    assert {i: o["state"] for i, o in states.items()} == {good.id: "reviewed", bad.id: "changed"}
    before, after = (
        rle.decode(states[bad.id]["before"]["mask"]),
        rle.decode(states[bad.id]["annotation"]["mask"]),
    )
    assert states[bad.id]["before"]["number"] == 1 and states[bad.id]["annotation"]["revision"] == 2
    assert after[4:20, 50].all() and not before[4:20, 50].all()
    early = reviewer.post(f"/api/images/{image.id}/review/finish/", {}, format="json")
    assert (early.status_code, early.data["code"]) == (409, "objects_unreviewed")
    assert reviewer.post(f"{verdict_url}{bad.id}/", {"verdict": "accepted"}, format="json").status_code == 201
    accepted = reviewer.post(f"/api/images/{image.id}/review/finish/", {"note": "thanks"}, format="json")
    assert accepted.data["outcome"] == "accepted"
    image.refresh_from_db()
    assert image.status == ImageStatus.ACCEPTED
    history = reviewer.get(f"/api/images/{image.id}/review/history/").data["results"]
    assert [(r["outcome"], r["accepted"], r["rejected"]) for r in history] == [
        ("needs_fixes", 1, 1),
        ("accepted", 2, 0),
    ]
    per_object = reviewer.get(f"/api/projects/{project_setup.project.id}/annotations/{bad.id}/reviews/").data
    assert [(v["verdict"], v["revision"]) for v in per_object["verdicts"]] == [
        ("rejected", 1),
        ("accepted", 2),
    ]
    assert per_object["comments"][0]["resolved_at"] is not None  # resolved once the object was accepted
    assert np.array_equal(rle.decode(bad.revisions.get(number=1).mask), before)  # the rejected mask is kept


@pytest.mark.parametrize(
    ("case", "code", "status"),
    [
        ("comment on an object of another image", "object_not_on_image", 400),
        ("pin outside the image", "outside_image", 400),
        ("verdict on an image that is not done", "not_done", 409),
        ("annotator giving a verdict", "forbidden", 403),
        ("no such verdict", "invalid", 400),
    ],
)
def test_reviewing_wrongly_is_refused_and_changes_nothing(
    project_setup: ProjectSetup, reviewed: dict[str, Any], case: str, code: str, status: int
) -> None:
    image, good = reviewed["image"], reviewed["good"]
    reviewer = reviewed["reviewer"]
    if case == "comment on an object of another image":
        other = save_object(reviewed["earlier"], project_setup.label_class, project_setup.annotator)
        response = reviewer.post(
            f"/api/images/{image.id}/comments/", {"text": "x", "annotation": other.id}, format="json"
        )
    elif case == "pin outside the image":
        response = reviewer.post(
            f"/api/images/{image.id}/comments/", {"text": "x", "x": 999.0, "y": 1.0}, format="json"
        )
    elif case == "verdict on an image that is not done":
        earlier_object = save_object(reviewed["earlier"], project_setup.label_class, project_setup.annotator)
        url = f"/api/images/{reviewed['earlier'].id}/review/objects/{earlier_object.id}/"
        response = reviewer.post(url, {"verdict": "accepted"}, format="json")
    elif case == "annotator giving a verdict":
        response = reviewed["annotator"].post(
            f"/api/images/{image.id}/review/objects/{good.id}/", {"verdict": "accepted"}, format="json"
        )
    else:
        response = reviewer.post(
            f"/api/images/{image.id}/review/objects/{good.id}/", {"verdict": "maybe"}, format="json"
        )
    assert (response.status_code, response.data["code"]) == (status, code)
    state = reviewer.get(f"/api/images/{image.id}/review/").data
    assert state["comments"] == [] and all(o["verdict"] is None for o in state["objects"])
