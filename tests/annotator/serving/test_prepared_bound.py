"""The worker's prepared images stay within MASKLOOP_PREPARED_CACHE_BYTES with every pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from annotator.serving import state
from annotator.serving.predict import predict
from annotator.serving.prepared import prepared_cache, prepared_for
from inference.prompts import Click, Prompts
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_worker() -> Iterator[None]:
    state.forget_all()
    yield
    state.forget_all()


def _clicks(image: Any, pipeline: str) -> None:
    """Three clicks on the object, each from the mask before, so the pipeline prepares crops."""
    mask = None
    prompts = Prompts()
    for x, y, positive in ((80.0, 60.0, True), (95.0, 70.0, True), (20.0, 15.0, False)):
        prompts = prompts.with_click(Click(x=x, y=y, positive=positive))
        mask = predict(
            engine_name="grabcut", image=image, prompts=prompts, previous=mask, pipeline=pipeline
        ).mask


@pytest.mark.parametrize("pipeline", ["crop", "focus", "crop+focus+merge"])
def test_the_counted_bytes_are_what_the_images_hold_and_stay_within_the_budget(
    pipeline: str, project_setup: ProjectSetup, settings: Any
) -> None:
    images = [upload_scene(project_setup.project, project_setup.admin, seed=seed)[0] for seed in range(5)]
    one = prepared_for("grabcut", images[0], pipeline)
    before = one.nbytes
    _clicks(images[0], pipeline)
    assert one.nbytes > before  # the pipeline keeps prepared crops in the image
    settings.MASKLOOP_PREPARED_CACHE_BYTES = 2 * one.nbytes + one.nbytes // 2  # two such images fit
    state.forget_all()
    for image in images:
        _clicks(image, pipeline)
        cache = prepared_cache()
        held = cache.values()
        assert 0 <= cache.nbytes <= settings.MASKLOOP_PREPARED_CACHE_BYTES
        assert cache.nbytes == sum(prepared.nbytes for prepared in held)
    assert 1 <= len(prepared_cache()) < len(images)


def test_forget_all_leaves_a_fresh_worker(project_setup: ProjectSetup) -> None:
    image, _ = upload_scene(project_setup.project, project_setup.admin)
    _clicks(image, "plain")
    assert len(prepared_cache()) == 1
    state.forget_all()
    assert len(prepared_cache()) == 0
    assert prepared_cache().nbytes == 0
