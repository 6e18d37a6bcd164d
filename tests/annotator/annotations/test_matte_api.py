"""The matte of a saved object over REST: computed on the batch queue (the first request is told
to come back), then a greyscale PNG the size of the image."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from rest_framework.test import APIClient

from annotator.annotations.services import annotation_create
from inference.masks import rle
from tests.annotator.annotations.batch_queue import BatchQueue
from tests.conftest import ProjectSetup
from tests.factories import UserFactory, upload_scene

# The matte's task starts when the request's transaction commits: these tests commit, as a server does.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_views_and_downloads_an_objects_matte(
    project_setup: ProjectSetup, queued: BatchQueue
) -> None:
    image, scene = upload_scene(project_setup.project, project_setup.admin, width=160, height=120, seed=4)
    truth = scene.masks[0]
    annotation = annotation_create(
        image=image, label_class=project_setup.label_class, mask=rle.encode(truth), author=project_setup.admin
    )
    client = APIClient()
    client.force_authenticate(project_setup.annotator)
    url = f"/api/projects/{project_setup.project.id}/annotations/{annotation.id}/matte.png"
    pending = client.get(url)
    assert pending.status_code == 202 and pending.json()["code"] == "matte_pending"
    assert int(pending["Retry-After"]) > 0
    assert queued.run() == 1
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    matte = cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_UNCHANGED)
    assert matte.shape == truth.shape and matte.dtype == np.uint8
    assert (matte[truth] > 127).mean() > 0.97 and (matte[~truth] < 128).mean() > 0.97
    assert ((matte > 0) & (matte < 255)).any()  # fractional alpha along the edge
    download = client.get(url, {"download": "1"})
    assert download["Content-Disposition"] == f'attachment; filename="annotation-{annotation.id}-matte.png"'


def test_outsiders_and_unknown_objects_get_a_clear_error(project_setup: ProjectSetup) -> None:
    client = APIClient()
    client.force_authenticate(UserFactory())
    missing = client.get(f"/api/projects/{project_setup.project.id}/annotations/1/matte.png")
    assert missing.status_code in (403, 404) and "detail" in missing.json()
    client.force_authenticate(project_setup.annotator)
    unknown = client.get(f"/api/projects/{project_setup.project.id}/annotations/999/matte.png")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_annotation"
