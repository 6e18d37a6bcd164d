"""Two people correcting one object at the same moment, each on their own web process (as
behind a load balancer), through the real socket: one holds it, the other is told who; nothing
either saved is lost; and a page whose hold lapsed cannot overwrite what was saved since."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest

from annotator.annotations.models import Annotation, AnnotationRevision
from annotator.projects.models import Role
from inference.masks import rle
from tests.conftest import ProjectSetup
from tests.factories import MembershipFactory, upload_scene
from tests.saved_objects import save_object
from tests.web_process import Page, cookie_for, web_processes

pytestmark = pytest.mark.django_db(transaction=True)


def world(setup: ProjectSetup) -> dict[str, Any]:
    image, _ = upload_scene(setup.project, setup.admin, width=160, height=120)
    saved = save_object(image, setup.label_class, setup.annotator, at=40)
    reviewer = MembershipFactory(project=setup.project, role=Role.REVIEWER).user
    return {"image": image, "object": saved, "people": (cookie_for(setup.admin), cookie_for(reviewer))}


async def open_pages(servers: list[str], setup: ProjectSetup, data: dict[str, Any]) -> list[Page]:
    """One person's page on each web process, open on the image."""
    return [
        await Page.open(base, setup.project.id, cookie, data["image"].id, setup.label_class.id)
        for base, cookie in zip(servers, data["people"], strict=True)
    ]


async def paint(page: Page, x: float, revision: int, class_id: int) -> dict[str, Any]:
    """A brush stroke into the object, then accept from ``revision``; returns the answer."""
    await page.send("brush", points=[[x, 20.0], [x, 60.0]], size=5.0, erase=False)
    assert (await page.until("mask"))["type"] == "mask"
    await page.send("accept", class_id=class_id, revision=revision)
    return await page.until("accepted")


def test_two_people_correcting_one_object_at_once_one_waits_and_nothing_is_lost(
    project_setup: ProjectSetup, eager_tasks: None
) -> None:
    data = world(project_setup)
    saved: Annotation = data["object"]
    class_id = project_setup.label_class.id

    async def run() -> dict[str, Any]:
        pages = await open_pages(servers, project_setup, data)
        await asyncio.gather(*(page.send("start", annotation_id=saved.id) for page in pages))
        answers = await asyncio.gather(*(page.until("mask") for page in pages))
        kinds = sorted(answer["type"] for answer in answers)
        winner, loser = (pages[0], pages[1]) if answers[0]["type"] == "mask" else (pages[1], pages[0])
        refusal = next(answer for answer in answers if answer["type"] == "error")
        first = await paint(winner, 100.0, 1, class_id)
        await loser.send("start", annotation_id=saved.id)  # free again: it starts from the winner's revision
        again = await loser.until("mask")
        second = await paint(loser, 130.0, again["started_revision"], class_id)
        for page in pages:
            await page.close()
        return {"kinds": kinds, "refusal": refusal, "first": first, "second": second, "again": again}

    with web_processes(2) as servers:
        seen = asyncio.run(run())

    assert seen["kinds"] == ["error", "mask"]
    assert seen["refusal"]["code"] == "locked" and "is correcting this object" in seen["refusal"]["detail"]
    assert seen["first"]["annotation_id"] == seen["second"]["annotation_id"] == saved.id
    assert seen["again"]["started_revision"] == 2
    masks = [
        rle.decode(r.mask) for r in AnnotationRevision.objects.filter(annotation=saved).order_by("number")
    ]
    assert len(masks) == 3  # the original and both corrections
    assert masks[1][20:60, 100].all() and not masks[0][20:60, 100].any()  # the first correction's stroke
    assert masks[2][20:60, 130].all() and masks[2][20:60, 100].all()  # the second built on the first
    assert not np.array_equal(masks[0], masks[1]) and not np.array_equal(masks[1], masks[2])


def test_a_page_whose_hold_lapsed_cannot_overwrite_what_was_saved_since(
    project_setup: ProjectSetup, eager_tasks: None
) -> None:
    data = world(project_setup)
    saved: Annotation = data["object"]
    class_id = project_setup.label_class.id

    async def run() -> dict[str, Any]:
        old, new = await open_pages(servers, project_setup, data)
        await old.send("start", annotation_id=saved.id)
        assert (await old.until("mask"))["type"] == "mask"
        await old.send("brush", points=[[100.0, 20.0], [100.0, 60.0]], size=5.0, erase=False)
        await old.until("mask")
        await asyncio.sleep(1.5)  # the old page stops beating (asleep, offline): its hold lapses
        await new.send("start", annotation_id=saved.id)
        taken = await new.until("mask")
        saved_by_new = await paint(new, 130.0, 1, class_id)
        await old.send("accept", class_id=class_id, revision=1)
        late = await old.until("accepted")
        await old.send_raw({"type": "hold", "session_id": old.session_id})
        lost = await old.until("held")
        for page in (old, new):
            await page.close()
        return {"taken": taken, "saved": saved_by_new, "late": late, "lost": lost}

    with web_processes(2, MASKLOOP_OBJECT_LOCK_SECONDS="1") as servers:
        seen = asyncio.run(run())

    assert seen["taken"]["type"] == "mask" and seen["saved"]["type"] == "accepted"
    assert seen["late"]["type"] == "error" and seen["late"]["code"] == "stale_revision"
    assert seen["lost"]["type"] == "error" and seen["lost"]["code"] == "lock_lost"
    saved.refresh_from_db()
    assert saved.revision == 2
    current = rle.decode(saved.mask)
    assert current[20:60, 130].all() and not current[20:60, 100].any()  # the newer work stands
