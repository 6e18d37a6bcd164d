"""Click adaptation in the worker (seed 004's CA): the session's own decoder copy learns after
each click's mask is sent, answers the next click, survives a change of worker, and is
dropped (reset) or carried into the class decoder (continual) when the object is accepted."""

from __future__ import annotations

import io
from concurrent.futures import Future
from typing import Any

import numpy as np
import pytest
import torch

from annotator.adaptation import runtime
from annotator.adaptation import services as adaptation_services
from annotator.adaptation.models import ClassDecoder as DecoderRow
from annotator.adaptation.models import DecoderVersion
from annotator.adaptation.runtime import decode
from annotator.interactions import relay, tasks
from annotator.interactions.selectors import session_history
from annotator.serving import decoders
from annotator.serving.prepared import prepared_for
from annotator.serving.sessions import live_sessions
from inference.adaptation.adapter import AdaptationConfig, ClassDecoder, SessionAdapter
from inference.engines.sam.engine import SamEngine
from inference.masks import rle
from tests.annotator.interactions.conftest import sam_project
from tests.annotator.interactions.driver import Driver
from tests.conftest import ProjectSetup

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager_tasks")]

LR = 0.05  # a step large enough to change the tiny model's masks


class Worker(Driver):
    """Events through the real task, as the consumer queues them; the frames come back through
    the relay (see ``workers``), and ``log`` records them and the adaptation steps in order."""

    def __init__(
        self, setup: ProjectSetup, seen: dict[int, Worker], seed: int, like: Worker | None = None
    ) -> None:
        super().__init__(setup, like=like, width=200, height=150, seed=seed)
        self.log: list[str] = []
        seen[self.session.id] = self

    def advance(self) -> list[dict]:
        tasks.advance_session.apply(args=(self.session.id,))
        return []

    def show(self, frames: list[dict[str, Any]]) -> None:
        self.log.extend(frame["type"] for frame in frames)
        super().show(frames)

    def robot_click(self, truth: np.ndarray | None = None) -> list[dict]:
        return super().robot_click(self.scene.masks[0] if truth is None else truth)


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> dict[int, Worker]:
    """Session id -> its driver; frames sent to a session and its adaptation steps are logged there."""
    seen: dict[int, Worker] = {}
    monkeypatch.setattr(relay, "send_to_session", lambda sid, frames, **kw: seen[sid].show(frames))
    learn = runtime.adapt_after_click

    def spy(session_id: int, clicks: int) -> Future[None] | None:
        seen[session_id].log.append("learn")
        return learn(session_id, clicks)

    monkeypatch.setattr(runtime, "adapt_after_click", spy)
    return seen


@pytest.fixture
def adapting(project_setup: ProjectSetup, sam_worker: SamEngine) -> ProjectSetup:
    sam_project(project_setup)
    decoders.class_decoders.clear()
    decoders.session_copies.clear()
    return project_setup


def choose(setup: ProjectSetup, **variant: Any) -> None:
    adaptation_services.project_adaptation_update(project=setup.project, user=setup.admin, changes=variant)


def weights(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def test_the_second_click_is_answered_by_the_copy_that_learnt_from_the_first(
    adapting: ProjectSetup, sam_worker: SamEngine, workers: dict[int, Worker]
) -> None:
    choose(adapting, click="reset", result="off", click_mask=False, lr=LR)
    worker = Worker(adapting, workers, seed=3)
    worker.robot_click()
    assert worker.log == ["mask", "learn"]  # the page had the mask before the step ran
    first = session_history(session=worker.session).prompts()
    worker.robot_click()
    second = session_history(session=worker.session).prompts()

    prepared = prepared_for("sam_vit_b", worker.image)
    by_hand = SessionAdapter(sam_worker, ClassDecoder.from_engine(sam_worker, LR), AdaptationConfig(lr=LR))
    by_hand.after_click(prepared, first)
    previous = rle.decode(session_history(session=worker.session).active[0].mask)
    expected = by_hand.engine.predict(prepared, second, previous) >= 0.5
    unadapted = sam_worker.predict(prepared, second, previous) >= 0.5
    assert not np.array_equal(expected, unadapted)  # the step changed the answer
    assert np.array_equal(worker.mask, expected)


def test_a_worker_that_takes_over_the_session_learns_its_clicks_again(
    adapting: ProjectSetup, sam_worker: SamEngine, workers: dict[int, Worker]
) -> None:
    choose(adapting, click="reset", result="off", click_mask=False, lr=LR)
    steady = Worker(adapting, workers, seed=3)
    moved = Worker(adapting, workers, seed=3, like=steady)  # the same image and robot
    for worker in (steady, moved):
        worker.robot_click()
    decoders.session_copies.pop(moved.session.id)  # its worker died: the copy is gone with it
    live_sessions.discard(moved.session.id)
    for worker in (steady, moved):
        worker.robot_click()
    assert np.array_equal(moved.mask, steady.mask)
    assert moved.session.id in decoders.session_copies  # rebuilt, and kept for the next click


def test_reset_drops_the_copy_and_leaves_the_class_decoder_bit_for_bit(
    adapting: ProjectSetup, sam_worker: SamEngine, workers: dict[int, Worker]
) -> None:
    choose(adapting, click="reset", result="off", click_mask=False, lr=LR)
    worker = Worker(adapting, workers, seed=3)
    worker.robot_click()
    worker.robot_click()
    assert worker.session.id in decoders.session_copies
    worker.send("accept", {})
    assert worker.session.id not in decoders.session_copies
    head = DecoderRow.objects.filter(label_class=adapting.label_class).first()
    assert head is None or (head.version == 0 and head.state is None)
    assert runtime.class_engine(sam_worker, adapting.label_class.id) is sam_worker


def test_continual_carries_the_clicks_into_the_class_decoder_at_accept(
    adapting: ProjectSetup, sam_worker: SamEngine, workers: dict[int, Worker]
) -> None:
    choose(adapting, click="continual", result="off", click_mask=False, lr=LR)
    worker = Worker(adapting, workers, seed=3)
    worker.robot_click()
    worker.robot_click()
    clicks = session_history(session=worker.session).click_prompts()
    worker.send("accept", {})
    head = DecoderRow.objects.get(label_class=adapting.label_class)
    assert head.version == 1 and head.images_seen == 1

    prepared = prepared_for("sam_vit_b", worker.image)
    by_hand = ClassDecoder.from_engine(sam_worker, LR)
    adapter = SessionAdapter(
        sam_worker, by_hand, AdaptationConfig(click="continual", result="off", click_mask=False, lr=LR)
    )
    for prompts in clicks:
        adapter.after_click(prepared, prompts)
    stored = decode(sam_worker, bytes(head.state), LR)
    assert all(torch.equal(v, weights(stored.decoder)[k]) for k, v in weights(by_hand.decoder).items())


def test_a_project_switched_off_neither_learns_nor_answers_with_an_adapted_decoder(
    adapting: ProjectSetup, sam_worker: SamEngine, workers: dict[int, Worker]
) -> None:
    choose(adapting, lr=LR)  # the complete method
    first = Worker(adapting, workers, seed=3)
    first.robot_click()
    first.send("accept", {})
    assert DecoderRow.objects.get(label_class=adapting.label_class).version == 1
    choose(adapting, enabled=False)
    second = Worker(adapting, workers, seed=4)
    second.robot_click()
    second.robot_click()
    second.send("accept", {})
    assert DecoderRow.objects.get(label_class=adapting.label_class).version == 1  # nothing learnt
    assert second.session.id not in decoders.session_copies
    prepared = prepared_for("sam_vit_b", second.image)
    history = session_history(session=second.session)
    previous = rle.decode(history.active[0].mask)
    assert np.array_equal(second.mask, sam_worker.predict(prepared, history.prompts(), previous) >= 0.5)


def test_retained_versions_keep_the_weights_and_a_rollback_returns_to_them_exactly(
    adapting: ProjectSetup, sam_worker: SamEngine, workers: dict[int, Worker]
) -> None:
    choose(adapting, click="off", lr=LR)
    for seed in (3, 4):
        worker = Worker(adapting, workers, seed=seed)
        worker.robot_click()
        worker.send("accept", {})
    head = DecoderRow.objects.get(label_class=adapting.label_class)
    first = DecoderVersion.objects.get(label_class=adapting.label_class, version=1)
    kept = torch.load(io.BytesIO(bytes(first.state)), weights_only=True)
    assert set(kept) == {"decoder"}  # no Adam moments in a retained version
    assert set(torch.load(io.BytesIO(bytes(head.state)), weights_only=True)) == {"decoder", "optimizer"}
    assert first.state_bytes < len(bytes(head.state)) / 2

    adaptation_services.decoder_rollback(label_class=adapting.label_class, version=1, user=adapting.admin)
    back = runtime.class_engine(sam_worker, adapting.label_class.id)
    assert all(torch.equal(v, kept["decoder"][k]) for k, v in weights(back.model.mask_decoder).items())
    worker = Worker(adapting, workers, seed=5)  # and it learns on from there, Adam afresh
    worker.robot_click()
    worker.send("accept", {})
    assert DecoderRow.objects.get(label_class=adapting.label_class).version == 4
