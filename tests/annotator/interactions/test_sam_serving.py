"""SAM on the web side: the engine a project gets, embeddings computed once and shared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from django.conf import settings as django_settings
from django.test import Client

from annotator.interactions import services, tasks
from annotator.projects.engines import checkpoint_path
from annotator.projects.models import Role
from annotator.serving import embedding_store, engines
from annotator.serving.predict import predict
from annotator.serving.prepared import prepared_cache, prepared_for
from inference.engines.sam.engine import SamEngine
from inference.prompts import Click, Prompts
from tests.annotator.interactions.conftest import sam_project, tiny_engine
from tests.conftest import ProjectSetup
from tests.factories import MembershipFactory, UserFactory, upload_scene
from tests.tiny_sam import save_tiny_sam

pytestmark = pytest.mark.django_db


def click_once(setup: ProjectSetup, user: Any, image: Any) -> dict[str, Any]:
    session = services.session_open(user=user, image=image, label_class=setup.label_class)
    services.event_record(
        session_id=session.id,
        client_event_id="c1",
        kind="click",
        payload={"x": 20, "y": 20, "positive": True},
        seq=1,
    )
    frames = services.session_advance(session_id=session.id).frames
    assert frames and frames[0]["type"] == "mask"
    return frames[0]


def test_without_its_checkpoint_a_sam_project_runs_grabcut_and_says_so(
    project_setup: ProjectSetup, weights_dir: Path
) -> None:
    project = sam_project(project_setup)
    image, _ = upload_scene(project, project_setup.admin)
    session = services.session_open(
        user=project_setup.annotator, image=image, label_class=project_setup.label_class
    )
    assert session.engine == "grabcut"
    client = Client()
    client.force_login(project_setup.annotator)
    page = client.get(f"/projects/{project.id}/images/{image.id}/annotate/").content.decode()
    assert "asks for SAM vit_b, but its checkpoint is not installed" in page
    assert "fetch_weights vit_b" in page
    body = client.get(f"/api/projects/{project.id}/").json()
    assert (body["engine"], body["engine_in_use"]) == ("sam_vit_b", "grabcut")


def test_with_its_checkpoint_a_sam_project_gets_sam(
    project_setup: ProjectSetup, sam_worker: SamEngine
) -> None:
    project = sam_project(project_setup)
    client = Client()
    client.force_login(project_setup.admin)
    body = client.get(f"/api/projects/{project.id}/").json()
    assert body["engine_in_use"] == "sam_vit_b" and "sam_vit_b_01ec64.pth" in body["engine_note"]
    page = client.get(f"/projects/{project.id}/").content.decode()
    assert "SAM vit_b (sam_vit_b_01ec64.pth)" in page


def test_admins_choose_the_engine_and_others_cannot(project_setup: ProjectSetup) -> None:
    url = f"/api/projects/{project_setup.project.id}/"
    admin, annotator = Client(), Client()
    admin.force_login(project_setup.admin)
    annotator.force_login(project_setup.annotator)
    assert annotator.patch(url, {"engine": "sam_vit_h"}, content_type="application/json").status_code == 403
    refused = admin.patch(url, {"engine": "sam_vit_x"}, content_type="application/json")
    assert refused.status_code == 400
    changed = admin.patch(url, {"engine": "sam_vit_h"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["engine"] == "sam_vit_h"
    project_setup.project.refresh_from_db()
    assert project_setup.project.engine == "sam_vit_h"


@pytest.mark.parametrize("engine", ["sam_vit_b", "grabcut"])
def test_an_upload_queues_the_embedding_only_for_an_engine_that_shares_one(
    engine: str,
    project_setup: ProjectSetup,
    sam_worker: SamEngine,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    project_setup.project.engine = engine
    project_setup.project.save()
    queued: list[int] = []
    monkeypatch.setattr(tasks.prepare_image, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        image, _ = upload_scene(project_setup.project, project_setup.admin)
    assert queued == ([image.id] if engine == "sam_vit_b" else [])


def test_upload_precomputes_and_a_second_session_runs_no_encoder(
    project_setup: ProjectSetup, sam_worker: SamEngine, django_capture_on_commit_callbacks: Any
) -> None:
    project = sam_project(project_setup)
    with django_capture_on_commit_callbacks() as scheduled:
        image, _ = upload_scene(project, project_setup.admin, width=200, height=150)
    assert len(scheduled) == 1 and sam_worker.encoder_runs == 0  # the upload queues the embedding...
    tasks.prepare_image(image.id)  # ...and a worker computes it
    assert sam_worker.encoder_runs == 1
    first = click_once(project_setup, project_setup.annotator, image)
    second_user = UserFactory()
    MembershipFactory(project=project, user=second_user, role=Role.ANNOTATOR)
    second = click_once(project_setup, second_user, image)
    assert sam_worker.encoder_runs == 1  # neither session ran the encoder again
    assert first["engine_ms"] is not None and second["patch"] == first["patch"]


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL (a real Redis)")
def test_another_worker_takes_the_embedding_from_redis(
    project_setup: ProjectSetup,
    weights_dir: Path,
    settings: Any,
    fresh_worker: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.MASKLOOP_EMBEDDING_REDIS_URL = django_settings.REDIS_URL
    save_tiny_sam(checkpoint_path("vit_b"), seed=2)
    image, _ = upload_scene(project_setup.project, project_setup.admin, seed=11)
    store = embedding_store.embedding_store()
    assert store is not None
    store.client.delete(store.key("tiny", image.checksum))

    worker_a = tiny_engine(checkpoint_path("vit_b"))
    monkeypatch.setattr(engines, "base_engine", lambda name: worker_a)
    from_a = prepared_for("sam_vit_b", image)

    # Worker B: its own process memory, empty.
    prepared_cache.cache_clear()
    engines.engine_for.cache_clear()
    worker_b = tiny_engine(checkpoint_path("vit_b"))
    monkeypatch.setattr(engines, "base_engine", lambda name: worker_b)
    from_b = prepared_for("sam_vit_b", image)
    assert (worker_a.encoder_runs, worker_b.encoder_runs) == (1, 0)
    assert torch.equal(from_a.embedding, from_b.embedding)  # type: ignore[attr-defined]
    store.client.delete(store.key("tiny", image.checksum))


def test_an_unreachable_store_only_costs_the_encoder_pass(
    project_setup: ProjectSetup, sam_worker: SamEngine, settings: Any
) -> None:
    settings.MASKLOOP_EMBEDDING_REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens on port 9
    image, _ = upload_scene(project_setup.project, project_setup.admin, seed=12)
    prepared = prepared_for("sam_vit_b", image)
    assert prepared.width == image.width and sam_worker.encoder_runs == 1
    prompts = Prompts(clicks=(Click(x=10, y=10, positive=True),))
    step = predict(engine_name="sam_vit_b", image=image, prompts=prompts, previous=None)
    assert step.mask.shape == (image.height, image.width) and step.mask.dtype == np.bool_


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL (a real Redis)")
def test_a_corrupt_copy_in_redis_is_recomputed_and_replaced(
    project_setup: ProjectSetup, sam_worker: SamEngine, settings: Any
) -> None:
    settings.MASKLOOP_EMBEDDING_REDIS_URL = django_settings.REDIS_URL
    image, _ = upload_scene(project_setup.project, project_setup.admin, seed=13)
    store = embedding_store.embedding_store()
    assert store is not None
    store.client.set(store.key("tiny", image.checksum), b"not an embedding")
    prepared = prepared_for("sam_vit_b", image)
    assert sam_worker.encoder_runs == 1 and prepared.width == image.width
    assert store.get("tiny", image.checksum) == prepared.to_bytes()  # type: ignore[attr-defined]
    store.client.delete(store.key("tiny", image.checksum))


def test_a_starting_worker_loads_the_sam_engines_projects_use_before_its_first_click(
    project_setup: ProjectSetup, weights_dir: Path, fresh_worker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.factories import ProjectFactory
    from tests.tiny_sam import build_tiny_sam

    monkeypatch.setattr(
        "inference.engines.sam.checkpoint.model_builders",
        lambda: {"vit_b": lambda checkpoint=None: build_tiny_sam(seed=2)},
    )
    save_tiny_sam(checkpoint_path("vit_b"), seed=2)
    project = sam_project(project_setup)
    ProjectFactory(engine="sam_vit_h")  # its checkpoint is not installed: it runs GrabCut
    assert engines.preload_engines() == ["sam_vit_b"]
    loaded = engines.base_engine.cache_info()
    assert loaded.currsize == 1
    image, _ = upload_scene(project, project_setup.admin)
    click_once(project_setup, project_setup.annotator, image)
    assert engines.base_engine.cache_info().misses == loaded.misses, "the click loaded an engine"
