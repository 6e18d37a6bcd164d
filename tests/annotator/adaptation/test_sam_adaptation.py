"""A SAM class decoder learns from accepted objects (seed 004), after the page has its answer."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
import torch

from annotator.adaptation import runtime
from annotator.adaptation.models import ClassDecoder, DecoderVersion
from annotator.interactions import relay, services, tasks
from annotator.interactions.selectors import session_history
from annotator.serving import decoders
from annotator.serving.prepared import prepared_for
from inference.engines.sam.engine import SamEngine
from tests.annotator.interactions.conftest import sam_project
from tests.annotator.interactions.driver import Driver
from tests.conftest import ProjectSetup

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture
def order(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the worker did, in order: frames sent to the page, adaptation steps."""
    seen: list[str] = []
    monkeypatch.setattr(
        relay, "send_to_session", lambda sid, frames, **kw: seen.extend(f["type"] for f in frames)
    )
    adapt = runtime.adapt_after_accept

    def spy(session_id: int) -> int | None:
        seen.append("adapt")
        return adapt(session_id)

    monkeypatch.setattr(runtime, "adapt_after_accept", spy)
    return seen


def accept_through_the_task(driver: Driver) -> None:
    services.event_record(
        session_id=driver.session.id, client_event_id="accept", kind="accept", payload={}, seq=99
    )
    tasks.advance_session.apply(args=(driver.session.id,))


def weights(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def test_an_accepted_sam_object_adapts_its_class_decoder_after_the_page_is_answered(
    project_setup: ProjectSetup, sam_worker: SamEngine, order: list[str], settings: Any
) -> None:
    settings.MASKLOOP_ADAPTATION_LR = 0.05  # a step large enough to change the tiny model's masks
    sam_project(project_setup)
    decoders.class_decoders.clear()
    driver = Driver(project_setup, width=200, height=150, seed=3)
    assert driver.session.engine == "sam_vit_b"
    base = weights(sam_worker.model.mask_decoder)
    driver.robot_click(driver.scene.masks[0])
    accept_through_the_task(driver)
    assert order == ["accepted", "adapt"]  # the page had its answer before the step ran
    head = ClassDecoder.objects.get(label_class=project_setup.label_class)
    assert (head.version, head.images_seen) == (1, 1)
    row = DecoderVersion.objects.get(label_class=project_setup.label_class, version=1)
    assert row.created_by == project_setup.annotator and row.reason == "adapted"
    stored = torch.load(io.BytesIO(bytes(head.state)), weights_only=True)
    assert any(not torch.equal(stored["decoder"][k], v) for k, v in base.items())  # it learnt
    assert all(torch.equal(weights(sam_worker.model.mask_decoder)[k], v) for k, v in base.items())

    # The next object of the class is answered by the adapted decoder.
    adapted = runtime.class_engine(sam_worker, project_setup.label_class.id)
    assert adapted is not sam_worker
    assert all(torch.equal(weights(adapted.model.mask_decoder)[k], v) for k, v in stored["decoder"].items())
    decoders.class_decoders.clear()  # another worker process: loads the same version from PostgreSQL
    again = runtime.class_engine(sam_worker, project_setup.label_class.id)
    assert all(torch.equal(weights(again.model.mask_decoder)[k], v) for k, v in stored["decoder"].items())
    following = Driver(project_setup, width=200, height=150, seed=5)
    truth = following.scene.masks[0]
    following.robot_click(truth)
    history = session_history(session=following.session)
    prepared = prepared_for("sam_vit_b", following.image)
    expected = again.predict(prepared, history.prompts(), None) >= 0.5
    assert not np.array_equal(sam_worker.predict(prepared, history.prompts(), None) >= 0.5, expected)
    assert np.array_equal(following.mask, expected)


def test_switched_off_classes_and_grabcut_projects_do_not_adapt(
    project_setup: ProjectSetup, sam_worker: SamEngine, order: list[str], settings: Any
) -> None:
    from annotator.adaptation.services import decoder_set_enabled

    sam_project(project_setup)
    decoder_set_enabled(label_class=project_setup.label_class, enabled=False)
    driver = Driver(project_setup, width=200, height=150, seed=3)
    driver.robot_click(driver.scene.masks[0])
    accept_through_the_task(driver)
    assert order == ["accepted", "adapt"]
    head = ClassDecoder.objects.get(label_class=project_setup.label_class)
    assert head.version == 0 and head.state is None
    assert runtime.class_engine(sam_worker, project_setup.label_class.id) is sam_worker

    project_setup.project.engine = "grabcut"
    project_setup.project.save()
    other = Driver(project_setup, width=200, height=150, seed=4)
    other.robot_click(other.scene.masks[0])
    order.clear()
    accept_through_the_task(other)
    assert order == ["accepted"]  # no adaptation step for GrabCut
