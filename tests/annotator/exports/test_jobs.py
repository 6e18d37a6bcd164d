"""Exports and imports as jobs: asked for through the API, followed, downloaded as a zip that
streams; from the command line; and, with Redis, run by a worker of the batch queue alone."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from annotator.annotations.models import Annotation
from annotator.celery import app as celery_app
from annotator.exports.models import ExportJob
from tests.annotator.exports.datasets import coco_dataset, write_json
from tests.conftest import ProjectSetup
from tests.factories import upload_scene
from tests.saved_objects import save_object
from tests.worker_process import celery_workers


def client_for(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def zipped(folder: Path, extra: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, f"images/{path.name}")
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# Jobs start when their request's transaction commits: these tests commit, as a server does.
@pytest.mark.django_db(transaction=True)
def test_an_import_and_an_export_through_the_api(
    project_setup: ProjectSetup, tmp_path: Path, eager_tasks: None
) -> None:
    data = coco_dataset(tmp_path / "source", count=2)
    document = write_json(tmp_path / "instances.json", data.document).read_bytes()
    upload = SimpleUploadedFile("dataset.zip", zipped(data.images, {"annotations/instances.json": document}))
    admin = client_for(project_setup.admin)
    base = f"/api/projects/{project_setup.project.id}"
    started = admin.post(f"{base}/imports/", {"format": "coco", "file": upload}, format="multipart")
    assert started.status_code == 202
    job = admin.get(f"{base}/imports/{started.data['id']}/").data
    assert job["state"] == "done" and job["report"]["objects_added"] == len(data.masks)
    assert (job["done"], job["total"]) == (2, 2)

    exported = admin.post(f"{base}/exports/", {"format": "coco", "statuses": ["in_progress"]}, format="json")
    assert exported.status_code == 202
    job = admin.get(f"{base}/exports/{exported.data['id']}/").data
    assert job["state"] == "done" and job["download"] and job["report"]["objects"] == len(data.masks)
    download = admin.get(job["download"])
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert download.streaming and "attachment" in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    assert len(body) == job["size_bytes"]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert "annotations/instances_default.json" in archive.namelist()
    listed = admin.get(f"{base}/exports/").data
    assert [j["id"] for j in listed["results"]] == [job["id"]]


@pytest.mark.django_db(transaction=True)
def test_asking_wrongly_is_refused(project_setup: ProjectSetup, eager_tasks: None) -> None:
    admin = client_for(project_setup.admin)
    base = f"/api/projects/{project_setup.project.id}"
    for body, code in (
        ({"format": "pdf"}, "invalid"),
        ({"format": "coco", "classes": [999999]}, "unknown_class"),
        ({"format": "coco", "statuses": ["finished"]}, "invalid"),
        ({"format": "yolo", "val_fraction": 1.5}, "invalid"),
    ):
        response = admin.post(f"{base}/exports/", body, format="json")
        assert (response.status_code, response.data["code"]) == (400, code), body
    assert not ExportJob.objects.exists()
    not_a_zip = SimpleUploadedFile("dataset.zip", b"plain text")
    started = admin.post(f"{base}/imports/", {"format": "coco", "file": not_a_zip}, format="multipart")
    failed = admin.get(f"{base}/imports/{started.data['id']}/").data
    assert failed["state"] == "failed" and "neither a zip file nor a folder" in failed["error"]


@pytest.mark.django_db
def test_the_command_line_exports_and_imports(project_setup: ProjectSetup, tmp_path: Path) -> None:
    data = coco_dataset(tmp_path / "source", count=2)
    annotations = write_json(tmp_path / "instances.json", data.document)
    call_command(
        "import_dataset",
        str(project_setup.project.id),
        format="coco",
        images=data.images,
        annotations=annotations,
    )
    assert Annotation.objects.filter(project=project_setup.project).count() == len(data.masks)
    call_command(
        "export_dataset",
        str(project_setup.project.id),
        format="yolo",
        output=tmp_path / "yolo",
        classes=["ring"],
    )
    labels = list((tmp_path / "yolo" / "labels" / "train").iterdir())
    assert len(labels) == 2 and sum(len(p.read_text().splitlines()) for p in labels) == 3  # ring, two parts
    call_command("export_dataset", str(project_setup.project.id), format="voc", output=tmp_path / "voc.zip")
    assert zipfile.is_zipfile(tmp_path / "voc.zip")


@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real Redis) for the Celery worker")
def test_an_export_runs_on_a_worker_of_the_batch_queue(project_setup: ProjectSetup, settings: object) -> None:
    image, _ = upload_scene(project_setup.project, project_setup.admin)
    save_object(image, project_setup.label_class, project_setup.annotator)
    with celery_workers(1) as (worker,):
        batch = celery_app.conf.task_default_queue
        celery_app.conf.task_default_queue = "nobody-consumes-this"  # only the batch queue is served
        settings.MASKLOOP_BATCH_QUEUE = batch  # type: ignore[attr-defined]
        started = client_for(project_setup.admin).post(
            f"/api/projects/{project_setup.project.id}/exports/", {"format": "coco"}, format="json"
        )
        deadline = time.monotonic() + 60
        job = ExportJob.objects.get(id=started.data["id"])
        while job.state not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.2)
            job.refresh_from_db()
    assert job.state == "done", worker.output()[-2000:]
    assert job.report["objects"] == 1 and (Path(settings.MEDIA_ROOT) / job.file.name).is_file()  # type: ignore[attr-defined]
