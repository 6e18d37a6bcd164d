"""A project's pipeline: set by its admins, taken by new sessions, shown on the pages."""

from __future__ import annotations

import numpy as np
import pytest
from django.test import Client

from annotator.interactions import services
from annotator.serving import engines
from inference.pipelines.crop import TargetCrop
from inference.pipelines.merge import ProgressiveMerge
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = pytest.mark.django_db


def test_admins_set_the_pipeline_and_others_cannot(project_setup: ProjectSetup) -> None:
    url = f"/api/projects/{project_setup.project.id}/"
    admin, annotator = Client(), Client()
    admin.force_login(project_setup.admin)
    annotator.force_login(project_setup.annotator)
    assert annotator.patch(url, {"pipeline": "crop"}, content_type="application/json").status_code == 403
    assert admin.patch(url, {"pipeline": "magic"}, content_type="application/json").status_code == 400
    assert admin.patch(url, {}, content_type="application/json").status_code == 400
    changed = admin.patch(url, {"pipeline": "crop+merge"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["pipeline"] == "crop+merge"
    assert changed.json()["engine"] == "grabcut"  # untouched
    project_setup.admin.is_staff = True  # staff create projects
    project_setup.admin.save()
    created = admin.post(
        "/api/projects/", {"name": "cropped", "pipeline": "crop"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["pipeline"] == "crop"


def test_a_session_runs_the_projects_pipeline_and_the_page_says_which(project_setup: ProjectSetup) -> None:
    project = project_setup.project
    project.pipeline = "crop+merge"
    project.save()
    image, scene = upload_scene(project, project_setup.admin, width=320, height=240, seed=6)
    session = services.session_open(
        user=project_setup.annotator, image=image, label_class=project_setup.label_class
    )
    assert session.pipeline == "crop+merge"
    ys, xs = scene.masks[0].nonzero()
    services.event_record(
        session_id=session.id,
        client_event_id="c1",
        kind="click",
        payload={"x": float(xs.mean()), "y": float(ys.mean()), "positive": True},
        seq=1,
    )
    [frame] = services.session_advance(session_id=session.id).frames
    assert frame["type"] == "mask" and frame["area"] > 0.8 * scene.masks[0].sum()
    # The stages wrap the process's one engine: the model behind them is loaded once.
    wrapped = engines.engine_for("grabcut", "crop+merge")
    assert isinstance(wrapped, ProgressiveMerge) and isinstance(wrapped.engine, TargetCrop)
    assert wrapped.engine.engine is engines.engine_for("grabcut")
    client = Client()
    client.force_login(project_setup.annotator)
    page = client.get(f"/projects/{project.id}/images/{image.id}/annotate/").content.decode()
    assert "Pipeline: crop+merge" in page
    assert np.isfinite(frame["engine_ms"])
