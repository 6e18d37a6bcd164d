"""A small team run from the browser alone, in headless Chromium against the real ASGI app.

The admin switches the project to assigned work and invites someone; the newcomer joins
through the link with a username and password of their own; the admin gives them five images
chosen in the image list; the newcomer logs in, finds exactly those five in My work, outlines
an object on the first, saves it, deletes it by a slip and brings it back, says the image is
done and moves to the next; the admin's page then shows the counts moved, and the admin
accepts the image from the list. Then every step is checked in the database.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotator.annotations.models import Annotation
from annotator.images.models import ImageAssignment, ImageStatus, ImageStatusChange
from annotator.projects.models import Assignment, Invitation, Membership, Role
from inference.evaluation.clicker import next_click
from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup
from tests.factories import PASSWORD, upload_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_runs_a_small_team_from_the_browser(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    eager_tasks: None,
    tmp_path: Path,
) -> None:
    project = project_setup.project
    uploads = [upload_scene(project, project_setup.admin, width=320, height=240, seed=s) for s in range(7)]
    chosen = [image for image, _ in uploads[1:6]]
    first_image, first_scene = uploads[1]
    click = next_click(first_scene.masks[0], np.zeros_like(first_scene.masks[0]))
    assert click is not None
    result = run_served_flow(
        "team_flow.mjs", project_setup.admin.username, project.id,
        ASSIGN_IDS=",".join(str(image.id) for image in chosen),
        NEW_USER="newcomer", NEW_PASSWORD=PASSWORD,
        FIRST_ID=first_image.id, CLICK_X=click.x, CLICK_Y=click.y,
        IMAGE_WIDTH=first_image.width, IMAGE_HEIGHT=first_image.height,
        SCREENSHOT_WORK=tmp_path / "my_work.png", SCREENSHOT_ANNOTATE=tmp_path / "annotate.png",
        SCREENSHOT_ADMIN=tmp_path / "admin.png",
    )  # fmt: skip

    assert "annotator" in result["invitationPage"]
    assert result["workBefore"].startswith("Nothing to do")
    assert result["adminWork"] == ["Nothing to do right now.", False]  # no Start button for no work
    assert result["selection"] == "5 selected"
    assert result["assigned"] == "5 image(s) assigned to newcomer (annotator)."
    assert result["myWork"] == [image.original_name for image in chosen]
    assert result["listedImages"] == [image.id for image in chosen]  # nothing else is shown to them
    assert result["firstUrl"] == f"/projects/{project.id}/images/{first_image.id}/annotate/"
    assert result["statusAfterSave"] == "in progress"
    object_pixels = first_scene.masks[0].sum() * result["scale"] ** 2
    assert result["changedByDelete"] > 0.5 * object_pixels  # the saved object's fill is gone
    assert result["changedByUndoDelete"] == 0  # and back exactly
    assert result["nextUrl"] == f"/projects/{project.id}/images/{chosen[1].id}/annotate/"
    assert result["nextStatus"].startswith("ready")
    assert result["countsBefore"] == {"new": 7, "in_progress": 0, "done": 0, "needs_fixes": 0, "accepted": 0}
    assert result["countsAfter"] == {"new": 6, "in_progress": 0, "done": 1, "needs_fixes": 0, "accepted": 0}
    assert result["assigneeRows"] == [["newcomer", "5", "1"]]  # assigned, done
    assert result["countsReviewed"] == {
        "new": 6,
        "in_progress": 0,
        "done": 0,
        "needs_fixes": 0,
        "accepted": 1,
    }

    project.refresh_from_db()
    assert project.assignment == Assignment.ASSIGNED
    newcomer = Membership.objects.select_related("user").get(project=project, user__username="newcomer")
    assert newcomer.role == Role.ANNOTATOR
    assert Invitation.objects.get(project=project).used_by == newcomer.user
    held = ImageAssignment.objects.filter(user=newcomer.user).order_by("image_id")
    assert [(a.image_id, a.done_at is not None) for a in held] == [
        (image.id, image.id == first_image.id) for image in chosen
    ]
    (saved,) = Annotation.objects.all()
    assert (saved.image_id, saved.author_id) == (first_image.id, newcomer.user.id)
    assert list(ImageStatusChange.objects.filter(image=first_image).values_list("after", flat=True)) == [
        ImageStatus.IN_PROGRESS,
        ImageStatus.DONE,
        ImageStatus.ACCEPTED,
    ]
