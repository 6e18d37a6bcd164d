"""SAM on the worker side of these tests: a tiny SAM installed as the official vit_b checkpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from kombu.exceptions import OperationalError

from annotator.interactions import tasks
from annotator.projects.engines import checkpoint_path
from annotator.serving import engines, state
from inference.engines.sam.checkpoint import load_weights
from inference.engines.sam.engine import SamEngine
from tests.conftest import ProjectSetup
from tests.tiny_sam import build_tiny_sam, save_tiny_sam


def tiny_engine(path: Path) -> SamEngine:
    return SamEngine(load_weights(build_tiny_sam(seed=5), path, torch.device("cpu")), model_id="tiny")


@pytest.fixture
def weights_dir(settings: Any, tmp_path: Path) -> Path:
    settings.MASKLOOP_WEIGHTS_DIR = tmp_path / "weights"
    settings.MASKLOOP_WEIGHTS_DIR.mkdir()
    return Path(settings.MASKLOOP_WEIGHTS_DIR)


@pytest.fixture
def fresh_worker() -> Iterator[None]:
    """A worker process's model state (engines, image cache, store, live sessions and adapted
    decoders) starts empty, as in a new process (on SQLite, ids come back after each test's
    rollback: a decoder or session copy remembered under an id from an earlier test would
    answer for this one's)."""
    state.forget_all()
    yield
    state.forget_all()


@pytest.fixture
def sam_worker(weights_dir: Path, monkeypatch: pytest.MonkeyPatch, fresh_worker: None) -> SamEngine:
    """The official vit_b checkpoint 'installed' (a tiny SAM saved under its name), and the
    worker's engine built from it: the real checkpoint code, a small architecture."""
    save_tiny_sam(checkpoint_path("vit_b"), seed=2)
    engine = tiny_engine(checkpoint_path("vit_b"))
    monkeypatch.setattr(engines, "base_engine", lambda name: engine)
    return engine


def sam_project(setup: ProjectSetup) -> Any:
    """The set-up's project, asking for SAM vit_b."""
    setup.project.engine = "sam_vit_b"
    setup.project.save()
    return setup.project


@pytest.fixture
def broker_refuses_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The broker refuses the next step's publish (as when Redis is away), then takes them again."""
    enqueue = tasks.advance_session.apply_async
    refusals = iter([OperationalError("the broker is away")])

    def broker(*args: Any, **kwargs: Any) -> Any:
        refusal = next(refusals, None)
        if refusal is not None:
            raise refusal
        return enqueue(*args, **kwargs)

    monkeypatch.setattr(tasks.advance_session, "apply_async", broker)
