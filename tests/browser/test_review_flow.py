"""The review loop in headless Chromium, with two browser contexts against the real ASGI app.

The reviewer opens the image from "To review", rejects one object with a comment pinned on the
image and accepts the other, and finishes: the image goes back for fixes. The annotator finds it
first in My work, sees the pin on the canvas and the comment in the list, corrects the rejected
object from the list with a brush stroke and says the image is done. The reviewer sees only that
object as changed, shows the revision reviewed before (a magenta edge), accepts it and finishes:
the image is accepted. Then everything is checked in the database.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotator.images.assignments import images_assign
from annotator.images.models import ImageStatus
from annotator.images.status import image_finish
from annotator.projects.models import Assignment, Role
from annotator.review.models import ObjectReview, ReviewComment, ReviewRound
from inference.masks import rle
from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup
from tests.factories import PASSWORD, MembershipFactory, upload_scene
from tests.saved_objects import save_object

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_and_an_annotator_go_round_the_review_loop(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    eager_tasks: None,
    tmp_path: Path,
) -> None:
    project = project_setup.project
    project.assignment = Assignment.ASSIGNED
    project.save()
    image, _ = upload_scene(project, project_setup.admin, width=320, height=240, seed=4)
    images_assign(
        project=project, user=project_setup.annotator, assigned_by=project_setup.admin, image_ids=[image.id]
    )
    good = save_object(image, project_setup.label_class, project_setup.annotator, at=30)
    bad = save_object(image, project_setup.label_class, project_setup.annotator, at=120)
    image_finish(image=image, user=project_setup.annotator)
    reviewer = MembershipFactory(project=project, role=Role.REVIEWER).user
    result = run_served_flow(
        "review_flow.mjs", reviewer.username, project.id,
        REVIEWER=reviewer.username, ANNOTATOR=project_setup.annotator.username, PASSWORD=PASSWORD,
        IMAGE_ID=image.id, IMAGE_WIDTH=image.width, IMAGE_HEIGHT=image.height,
        GOOD_ID=good.id, BAD_ID=bad.id, PIN_X=200, PIN_Y=100,
        FIX_X0=121, FIX_X1=126, FIX_Y=116,
        SCREENSHOT_ANNOTATOR=tmp_path / "annotator.png", SCREENSHOT_REVIEWER=tmp_path / "reviewer.png",
    )  # fmt: skip

    assert result["reviewQueue"] == [image.original_name]
    assert sorted(row["id"] for row in result["firstRows"]) == [good.id, bad.id]
    assert all(row["state"] == "new" for row in result["firstRows"])
    assert result["pinPixelsReviewer"] > 100  # the orange pin on the reviewer's canvas
    assert result["statusAfterReview"] == "needs fixes"
    assert result["myWork"][0] == f"/projects/{project.id}/images/{image.id}/annotate/"
    assert (
        len(result["comments"]) == 1
        and "misses the top" in result["comments"][0]
        and "(pin 1)" in result["comments"][0]
    )
    assert result["pinPixelsAnnotator"] > 100  # and on the annotator's
    assert [(row["id"], row["state"]) for row in result["changedRows"]] == [(bad.id, "changed")]
    assert result["magentaShown"] > 30  # the reviewed revision's edge
    assert result["finalStatus"] == "accepted"
    assert [r.split(": ", 1)[1] for r in result["reviewRounds"]] == [
        f"{reviewer.username} · needs fixes (1 accepted, 1 rejected)",
        f"{reviewer.username} · accepted (2 accepted, 0 rejected)",
    ]

    image.refresh_from_db()
    assert image.status == ImageStatus.ACCEPTED
    assert [(r.outcome, r.accepted, r.rejected) for r in ReviewRound.objects.order_by("id")] == [
        ("needs_fixes", 1, 1),
        ("accepted", 2, 0),
    ]
    comment = ReviewComment.objects.get()
    assert (comment.annotation_id, comment.x, comment.y) == (
        bad.id,
        pytest.approx(200, abs=1),
        pytest.approx(100, abs=1),
    )
    assert comment.resolved_at is not None
    verdicts = list(
        ObjectReview.objects.filter(annotation=bad).order_by("id").values_list("verdict", "revision")
    )
    assert verdicts == [("rejected", 1), ("accepted", 2)]
    bad.refresh_from_db()
    fixed, first = rle.decode(bad.mask), rle.decode(bad.revisions.get(number=1).mask)
    assert bad.revision == 2 and fixed[116, 121:127].all() and not first[116, 121:127].all()
    assert np.array_equal(fixed & first, first)  # the stroke only added to what was there
