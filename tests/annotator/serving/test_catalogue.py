"""The engine catalogue: every entry builds through the library's registry; capabilities decide."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from annotator.projects.engines import CATALOGUE, GRABCUT, capabilities, checkpoint_path, engine_in_use
from annotator.serving import engines, learning, state
from annotator.serving.predict import predict
from inference.engines import Engine, available_engines
from inference.engines.grabcut import GrabCutEngine
from inference.prompts import Click, Prompts
from tests.conftest import ProjectSetup
from tests.factories import upload_scene


def test_every_entry_names_an_engine_the_library_can_build() -> None:
    assert {spec.registry_name for spec in CATALOGUE.values()} <= set(available_engines())


def test_an_engine_without_its_weights_falls_back_to_grabcut(settings: Any, tmp_path: Path) -> None:
    settings.MASKLOOP_WEIGHTS_DIR = tmp_path
    used = engine_in_use("sam_vit_b")
    assert used.engine == GRABCUT and used.fell_back
    assert "fetch_weights vit_b" in used.note
    assert not used.spec.capabilities.learns_online
    assert capabilities("sam_vit_b").learns_online and capabilities("sam_vit_b").shares_embeddings


class Recording:
    """A learner that answers with the base engine and records who asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    @contextmanager
    def _held(self, base: Engine) -> Iterator[Engine]:
        yield base

    def session_engine(self, base: Engine, session: Any, prepared: Any, prompts: Prompts) -> Any:
        self.asked.append(session.engine)
        return self._held(base)

    def after_click(self, session_id: int, clicks: int) -> None:
        return None

    def after_accept(self, session_id: int, queue: str | None) -> None:
        return None


@pytest.mark.django_db
def test_only_an_engine_that_learns_online_asks_the_learner(
    project_setup: ProjectSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    state.forget_all()
    grabcut = GrabCutEngine(max_side=64)
    monkeypatch.setattr(
        engines, "base_engine", lambda name: grabcut
    )  # no SAM weights here: its name is enough
    recording = Recording()
    monkeypatch.setattr(learning, "_learners", [recording])
    image, _ = upload_scene(project_setup.project, project_setup.admin)
    session = type("Session", (), {"id": 1, "project_id": 1, "label_class_id": 1, "pipeline": "plain"})()
    prompts = Prompts(clicks=(Click(x=80.0, y=60.0, positive=True),))
    for name in ("grabcut", "sam_vit_b"):
        session.engine = name  # type: ignore[attr-defined]
        predict(engine_name=name, image=image, prompts=prompts, previous=None, session=session)
    assert recording.asked == ["sam_vit_b"]
    state.forget_all()


@pytest.mark.django_db
@pytest.mark.parametrize(("engine", "offers"), [("sam_vit_b", "1"), ("grabcut", "")])
def test_the_annotation_page_says_whether_the_engine_offers_alternative_masks(
    engine: str, offers: str, project_setup: ProjectSetup, settings: Any, tmp_path: Path
) -> None:
    settings.MASKLOOP_WEIGHTS_DIR = tmp_path
    checkpoint_path("vit_b").write_bytes(b"installed")  # the page only looks for the file
    project_setup.project.engine = engine
    project_setup.project.save()
    image, _ = upload_scene(project_setup.project, project_setup.admin)
    client = Client()
    client.force_login(project_setup.admin)
    page = client.get(f"/projects/{project_setup.project.id}/images/{image.id}/annotate/")
    assert page.status_code == 200
    assert f'data-candidates="{offers}"' in page.content.decode()
