"""Rows written by the real session path: clicks, an undo and a box through the annotation
socket, then an accept; a page that leaves its object; what happens to the object later
(corrected, deleted, reviewed). The backfill gives the same rows from the same log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.forms.models import model_to_dict
from django.utils import timezone

from annotator.analytics.models import LatencyBucket, ObjectRecord
from annotator.analytics.services import records_backfill
from annotator.annotations.models import Annotation
from annotator.annotations.services import annotation_delete, annotation_relabel, annotation_restore
from annotator.images.status import image_finish
from annotator.review.services import object_verdict
from tests.annotator.interactions.wsclient import communicator, receive_until, session_cookie
from tests.conftest import ProjectSetup
from tests.factories import LabelClassFactory, upload_scene

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_tasks", "close_worker_thread_connections"),
]


async def page(setup: ProjectSetup, image_id: int) -> tuple[Any, int]:
    cookie = await database_sync_to_async(session_cookie)(setup.annotator)
    comm = communicator(setup.project.id, cookie)
    assert (await comm.connect())[0]
    await comm.receive_json_from()
    await comm.send_json_to({"type": "open", "image_id": image_id, "class_id": setup.label_class.id})
    session, _ = await receive_until(comm, "session")
    return comm, session["session_id"]


async def send(
    comm: Any, session_id: int, kind: str, event_id: str, answer: str = "mask", **body: Any
) -> dict:
    await comm.send_json_to({"type": kind, "session_id": session_id, "event_id": event_id, **body})
    frame, _ = await receive_until(comm, answer)
    return frame


def rows() -> list[dict[str, Any]]:
    return [model_to_dict(r) for r in ObjectRecord.objects.order_by("session_id")]


def buckets() -> list[tuple[Any, ...]]:
    return sorted(LatencyBucket.objects.values_list("day", "worker", "measure", "bucket", "count"))


async def test_the_session_path_writes_each_objects_row(project_setup: ProjectSetup) -> None:
    image, scene = await sync_to_async(upload_scene)(project_setup.project, project_setup.admin, seed=3)
    ys, xs = scene.masks[0].nonzero()
    x, y = float(xs.mean()), float(ys.mean())
    comm, first = await page(project_setup, image.id)
    await send(comm, first, "click", "c1", x=x, y=y, positive=True)
    await send(comm, first, "click", "c2", x=x + 2, y=y, positive=True)
    await send(comm, first, "undo", "u1")
    x0, y0, x1, y1 = float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())
    await send(comm, first, "box", "b1", x0=x0, y0=y0, x1=x1, y1=y1)
    accepted = await send(comm, first, "accept", "a1", answer="accepted")
    await comm.send_json_to({"type": "open", "image_id": image.id, "class_id": project_setup.label_class.id})
    second = (await receive_until(comm, "session"))[0]["session_id"]
    await send(comm, second, "click", "c3", x=5.0, y=5.0, positive=True)
    await comm.disconnect()  # the page leaves its second object

    @database_sync_to_async
    def check() -> None:
        saved, left = ObjectRecord.objects.get(session_id=first), ObjectRecord.objects.get(session_id=second)
        assert (saved.outcome, saved.kind, saved.annotation_id) == (
            "accepted",
            "outline",
            accepted["annotation_id"],
        )
        assert (saved.clicks, saved.undos, saved.boxes, saved.noc, saved.revision) == (2, 1, 1, 3, 1)
        assert saved.engine == "grabcut" and saved.decoder_version is None
        assert saved.rtt_p50_ms is not None and saved.rtt_max_ms >= saved.rtt_p50_ms
        assert (left.outcome, left.noc, left.annotation_id) == ("abandoned", 1, None)
        assert sum(n for *_, n in buckets() if _[2] == "rtt") == 4  # 3 of the first object, 1 of the second

        annotation = Annotation.objects.get(id=saved.annotation_id)
        other_class = LabelClassFactory(project=project_setup.project)
        annotation = annotation_relabel(
            annotation=annotation, label_class=other_class, user=project_setup.admin, base=1
        )
        annotation_delete(annotation=annotation, user=project_setup.admin)
        saved.refresh_from_db()
        assert (saved.deleted, saved.later_revisions) == (True, 2)
        annotation_restore(annotation=annotation, user=project_setup.admin)
        image_finish(image=image, user=project_setup.admin)
        annotation.refresh_from_db()
        object_verdict(annotation=annotation, reviewer=project_setup.admin, verdict="rejected")
        saved.refresh_from_db()
        # The verdict is on revision 4 (restored), which no session made: the row keeps none.
        assert (saved.deleted, saved.later_revisions, saved.review) == (False, 3, "")

        live, counted = rows(), buckets()
        ObjectRecord.objects.all().delete()
        LatencyBucket.objects.all().delete()
        later = timezone.now() + timedelta(hours=1)  # the left session is silent long enough
        assert records_backfill(now=later) == 2
        assert rows() == live and buckets() == counted

    await check()


async def test_a_verdict_lands_on_the_row_of_the_session_that_made_the_revision(
    project_setup: ProjectSetup,
) -> None:
    image, scene = await sync_to_async(upload_scene)(project_setup.project, project_setup.admin, seed=4)
    ys, xs = scene.masks[0].nonzero()
    comm, session = await page(project_setup, image.id)
    await send(comm, session, "click", "c1", x=float(xs.mean()), y=float(ys.mean()), positive=True)
    accepted = await send(comm, session, "accept", "a1", answer="accepted")
    await comm.disconnect()

    @database_sync_to_async
    def review() -> None:
        image_finish(image=image, user=project_setup.admin)
        annotation = Annotation.objects.get(id=accepted["annotation_id"])
        object_verdict(annotation=annotation, reviewer=project_setup.admin, verdict="rejected")
        assert ObjectRecord.objects.get(session_id=session).review == "rejected"

    await review()
