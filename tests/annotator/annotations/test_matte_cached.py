"""Mattes off the request path: a request never runs the matting; the batch queue computes each
object revision's matte once, and it is served from storage after; a new revision gets its own;
requests at once start one computation; an object too large for the pixel limit is matted
scaled down; a failure says so and can be retried; the mattes export copies a kept matte. With
Redis, a real worker of the batch queue computes it while the web side only answers."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from drf_spectacular.generators import SchemaGenerator
from PIL import Image
from rest_framework.test import APIClient

from annotator.annotations import mattes
from annotator.annotations.models import Annotation, AnnotationMatte
from annotator.annotations.services import annotation_correct, annotation_create
from annotator.celery import app as celery_app
from annotator.exports.selection import Selection
from annotator.exports.services import export_to
from annotator.images.selectors import image_rgb
from annotator.images.services import image_upload
from annotator.interactions.models import InteractionSession
from inference.masks import rle
from inference.masks.matte import alpha_matte, alpha_png
from inference.synthetic import make_scene
from tests.annotator.annotations.batch_queue import BatchQueue
from tests.conftest import ProjectSetup
from tests.factories import upload_scene
from tests.worker_process import celery_workers

# The matte's task starts when the request's transaction commits: these tests commit, as a server does.
pytestmark = pytest.mark.django_db(transaction=True)


class Matting:
    """Counts the closed-form matting this process runs (the real function, wrapped)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.shapes: list[tuple[int, ...]] = []
        real = mattes.alpha_matte

        def counted(image: np.ndarray, mask: np.ndarray, **options: Any) -> np.ndarray:
            self.shapes.append(image.shape)
            return real(image, mask, **options)

        monkeypatch.setattr(mattes, "alpha_matte", counted)

    @property
    def runs(self) -> int:
        return len(self.shapes)


@pytest.fixture
def matting(monkeypatch: pytest.MonkeyPatch) -> Matting:
    return Matting(monkeypatch)


def member(setup: ProjectSetup) -> APIClient:
    client = APIClient()
    client.force_authenticate(setup.annotator)
    return client


def matte_url(annotation: Annotation) -> str:
    return f"/api/projects/{annotation.project_id}/annotations/{annotation.id}/matte.png"


def saved(setup: ProjectSetup, seed: int = 4) -> tuple[Annotation, np.ndarray]:
    image, scene = upload_scene(setup.project, setup.admin, width=160, height=120, seed=seed)
    truth = scene.masks[0]
    annotation = annotation_create(
        image=image, label_class=setup.label_class, mask=rle.encode(truth), author=setup.admin
    )
    return annotation, truth


def png_of(response: HttpResponse) -> np.ndarray:
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    return cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_UNCHANGED)


def follows(matte: np.ndarray, truth: np.ndarray, share: float = 0.97) -> bool:
    """The matte is the object: opaque on it, clear off it (but for its soft edge)."""
    return (
        matte.shape == truth.shape
        and (matte[truth] > 127).mean() > share
        and (matte[~truth] < 128).mean() > share
    )


def test_the_request_starts_the_matte_on_the_batch_queue_and_runs_no_matting(
    project_setup: ProjectSetup, queued: BatchQueue, matting: Matting
) -> None:
    annotation, truth = saved(project_setup)
    client = member(project_setup)
    first = client.get(matte_url(annotation))
    assert first.status_code == 202 and first.json()["code"] == "matte_pending"
    assert first.json()["detail"] and int(first["Retry-After"]) > 0
    assert matting.runs == 0
    assert [task.name for task in queued.sent] == ["annotator.annotations.tasks.compute_matte"]
    again = client.get(matte_url(annotation))
    assert again.status_code == 202 and len(queued.sent) == 1  # started once

    assert queued.run() == 1
    assert matting.runs == 1
    stored = Path(settings.MEDIA_ROOT) / "mattes" / str(annotation.project_id) / str(annotation.id) / "r1.png"
    assert stored.is_file()
    assert follows(png_of(client.get(matte_url(annotation))), truth)
    download = client.get(matte_url(annotation), {"download": "1"})
    assert png_of(download).shape == truth.shape
    assert download["Content-Disposition"] == f'attachment; filename="annotation-{annotation.id}-matte.png"'
    assert matting.runs == 1 and len(queued.sent) == 1  # served from storage, not computed again


def test_a_new_revision_gets_its_own_matte_never_the_old_one(
    project_setup: ProjectSetup, queued: BatchQueue
) -> None:
    annotation, truth = saved(project_setup)
    client = member(project_setup)
    client.get(matte_url(annotation))
    queued.run()
    old = png_of(client.get(matte_url(annotation)))
    assert follows(old, truth)

    moved = np.roll(truth, 30, axis=1)
    session = InteractionSession.objects.create(
        project=project_setup.project,
        image=annotation.image,
        label_class=project_setup.label_class,
        user=project_setup.admin,
        engine="grabcut",
    )
    annotation_correct(
        annotation_id=annotation.id,
        image=annotation.image,
        label_class=project_setup.label_class,
        mask=rle.encode(moved),
        user=project_setup.admin,
        session=session,
        base=1,
    )
    after = client.get(matte_url(annotation))
    assert after.status_code == 202 and after.json()["code"] == "matte_pending"
    assert queued.run() == 1
    new = png_of(client.get(matte_url(annotation)))
    assert follows(new, moved) and not follows(new, truth)
    folder = Path(settings.MEDIA_ROOT) / "mattes" / str(annotation.project_id) / str(annotation.id)
    assert sorted(p.name for p in folder.iterdir()) == ["r2.png"]  # the old revision's is gone


def test_requests_at_once_start_one_computation(project_setup: ProjectSetup, queued: BatchQueue) -> None:
    annotation, _ = saved(project_setup)
    people = 6
    start = threading.Barrier(people)
    answers: list[int] = []

    def ask() -> None:
        try:
            client = member(project_setup)
            start.wait()
            answers.append(client.get(matte_url(annotation)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [202] * people
    assert len(queued.sent) == 1 and AnnotationMatte.objects.filter(annotation=annotation).count() == 1


def rotated_jpeg(setup: ProjectSetup, width: int, height: int) -> tuple[Annotation, np.ndarray]:
    """An object on a JPEG stored on its side with EXIF orientation 6 (shown upright)."""
    scene = make_scene(width, height, objects=1, seed=7)
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated 90 degrees clockwise
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(np.rot90(scene.image))).save(buffer, "JPEG", quality=95, exif=exif)
    upload = SimpleUploadedFile("side.jpg", buffer.getvalue(), content_type="image/jpeg")
    image = image_upload(project=setup.project, uploader=setup.admin, upload=upload)
    assert (image.width, image.height) == (width, height)
    truth = scene.masks[0]
    annotation = annotation_create(
        image=image, label_class=setup.label_class, mask=rle.encode(truth), author=setup.admin
    )
    return annotation, truth


def test_an_object_over_the_pixel_limit_is_matted_scaled_down(
    project_setup: ProjectSetup, queued: BatchQueue, matting: Matting, settings: Any
) -> None:
    annotation, truth = rotated_jpeg(project_setup, 320, 240)
    x, y, w, h = cv2.boundingRect(truth.astype(np.uint8))
    settings.MASKLOOP_MATTE_MAX_PIXELS = w * h // 5
    client = member(project_setup)
    assert client.get(matte_url(annotation)).status_code == 202
    queued.run()
    matte = png_of(client.get(matte_url(annotation)))
    (solved,) = matting.shapes
    assert solved[0] * solved[1] <= settings.MASKLOOP_MATTE_MAX_PIXELS < w * h
    assert matte.shape == truth.shape and follows(matte, truth, share=0.95)
    assert ((matte > 0) & (matte < 255)).any()


def test_within_the_limit_the_matte_is_the_full_resolution_one(
    project_setup: ProjectSetup, queued: BatchQueue, matting: Matting
) -> None:
    annotation, truth = rotated_jpeg(project_setup, 320, 240)
    client = member(project_setup)
    client.get(matte_url(annotation))
    queued.run()
    matte = png_of(client.get(matte_url(annotation)))
    in_the_request_before = alpha_png(alpha_matte(image_rgb(image=annotation.image), truth))
    assert np.array_equal(
        matte, cv2.imdecode(np.frombuffer(in_the_request_before, np.uint8), cv2.IMREAD_UNCHANGED)
    )
    assert matting.runs == 1


def test_a_failed_matte_says_so_and_can_be_retried(project_setup: ProjectSetup, queued: BatchQueue) -> None:
    annotation, truth = saved(project_setup)
    stored = Path(annotation.image.file.path)
    good = stored.read_bytes()
    stored.write_bytes(b"not an image any more")
    client = member(project_setup)
    client.get(matte_url(annotation))
    queued.run()
    failed = client.get(matte_url(annotation))
    assert failed.status_code == 409 and failed.json()["code"] == "matte_failed"
    assert client.get(matte_url(annotation)).status_code == 409 and len(queued.sent) == 1

    stored.write_bytes(good)
    retried = client.get(matte_url(annotation), {"retry": "1"})
    assert retried.status_code == 202 and retried.json()["code"] == "matte_pending"
    assert queued.run() == 1
    assert follows(png_of(client.get(matte_url(annotation))), truth)


def test_a_matte_whose_task_was_lost_is_started_again(
    project_setup: ProjectSetup, queued: BatchQueue
) -> None:
    annotation, _ = saved(project_setup)
    client = member(project_setup)
    client.get(matte_url(annotation))
    client.get(matte_url(annotation))
    assert len(queued.sent) == 1
    long_ago = AnnotationMatte.objects.get(annotation=annotation).requested_at - timedelta(hours=1)
    AnnotationMatte.objects.filter(annotation=annotation).update(requested_at=long_ago)
    assert client.get(matte_url(annotation)).status_code == 202
    assert len(queued.sent) == 2
    assert queued.run() == 2
    assert client.get(matte_url(annotation)).status_code == 200


def exported(setup: ProjectSetup, tmp_path: Path) -> dict[str, bytes]:
    archive = tmp_path / "mattes.zip"
    export_to(
        project=setup.project,
        format="mattes",
        selection=Selection(),
        path=archive,
        progress=lambda d, t: None,
    )
    with zipfile.ZipFile(archive) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def test_the_mattes_export_copies_a_kept_matte_and_computes_the_others(
    project_setup: ProjectSetup, queued: BatchQueue, matting: Matting, tmp_path: Path
) -> None:
    first, _ = saved(project_setup, seed=4)
    second, second_truth = saved(project_setup, seed=5)
    client = member(project_setup)
    client.get(matte_url(first))
    queued.run()
    kept = client.get(matte_url(first)).content
    assert matting.runs == 1

    entries = exported(project_setup, tmp_path)
    assert matting.runs == 2  # the second object's only
    (first_entry,) = [data for name, data in entries.items() if name.endswith(f"_{first.id}.png")]
    (second_entry,) = [data for name, data in entries.items() if name.endswith(f"_{second.id}.png")]
    assert first_entry == kept
    assert follows(cv2.imdecode(np.frombuffer(second_entry, np.uint8), cv2.IMREAD_UNCHANGED), second_truth)


def poll(ask: Callable[[], HttpResponse], seconds: float) -> HttpResponse:
    deadline = time.monotonic() + seconds
    answer = ask()
    while answer.status_code == 202 and time.monotonic() < deadline:
        time.sleep(float(answer["Retry-After"]) / 10)
        answer = ask()
    return answer


@pytest.mark.needs_redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real Redis) for the Celery worker")
def test_a_worker_of_the_batch_queue_computes_the_matte_the_web_side_only_answers(
    project_setup: ProjectSetup, matting: Matting, settings: Any
) -> None:
    annotation, truth = saved(project_setup)
    client = member(project_setup)
    with celery_workers(1) as (worker,):
        batch = celery_app.conf.task_default_queue
        celery_app.conf.task_default_queue = "nobody-consumes-this"  # only the batch queue is served
        settings.MASKLOOP_BATCH_QUEUE = batch
        first = client.get(matte_url(annotation))
        assert first.status_code == 202 and first.json()["code"] == "matte_pending"
        answer = poll(lambda: client.get(matte_url(annotation)), 60)
        assert answer.status_code == 200, worker.output()[-2000:]
    assert follows(png_of(answer), truth)
    assert matting.runs == 0  # all of it in the worker's process


def test_the_schema_documents_the_matte_answers() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    answers = schema["paths"]["/api/projects/{project_id}/annotations/{annotation_id}/matte.png"]["get"][
        "responses"
    ]
    assert "image/png" in answers["200"]["content"]
    assert "Retry-After" in answers["202"]["headers"] and "matte_pending" in answers["202"]["description"]
    assert "matte_failed" in answers["409"]["description"]
