"""Online adaptation of the mask decoder (seed 004) on a tiny random SAM."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from inference.adaptation.adapter import AdaptationConfig, ClassDecoder, SessionAdapter
from inference.adaptation.labels import UNKNOWN, click_label, merged_label, result_label
from inference.adaptation.loss import sparse_bce
from inference.engines.sam.engine import SamEngine
from inference.prompts import Click, Prompts

CLICKS = (Click(200, 140, True), Click(30, 30, False), Click(250, 120, True))


def snapshot(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_the_click_label_marks_clicked_pixels_and_nothing_else() -> None:
    label = click_label((Click(2.7, 1.2, True), Click(0, 0, False), Click(2, 1, False)), 3, 4)
    assert label.dtype == np.int8
    assert label.tolist() == [[0, -1, -1, -1], [-1, -1, 0, -1], [-1, -1, -1, -1]]  # the later click wins


def test_the_eroded_result_label_leaves_a_band_k_pixels_each_side_of_the_edge() -> None:
    mask = np.zeros((100, 100), dtype=bool)
    mask[30:70, 30:70] = True
    label = result_label(mask, erosions=5)
    row = label[50]
    assert list(np.flatnonzero(row == UNKNOWN)) == [*range(25, 35), *range(65, 75)]
    assert (row[35:65] == 1).all() and (row[:25] == 0).all() and (row[75:] == 0).all()
    untreated = result_label(mask, erosions=0)
    assert not (untreated == UNKNOWN).any() and np.array_equal(untreated == 1, mask)
    merged = merged_label(label, click_label((Click(27, 50, True),), 100, 100))
    assert merged[50, 27] == 1 and (merged != label).sum() == 1


def test_the_sparse_loss_is_the_mean_over_each_labelled_class_and_ignores_the_rest() -> None:
    logits = torch.tensor([[2.0, -1.0, 5.0], [0.0, 3.0, -2.0]])
    label = torch.tensor([[1, 0, -1], [1, -1, 0]])
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    expected = bce(torch.tensor([2.0, 0.0]), torch.ones(2)) + bce(torch.tensor([-1.0, -2.0]), torch.zeros(2))
    assert torch.isclose(sparse_bce(logits, label), expected)
    changed = logits.clone()
    changed[0, 2] = -50.0  # an unknown pixel: no effect
    assert torch.isclose(sparse_bce(changed, label), expected)
    with pytest.raises(ValueError, match="no pixel"):
        sparse_bce(logits, torch.full((2, 3), -1))


def test_click_adaptation_lowers_the_sparse_loss_on_the_clicks(
    engine: SamEngine, picture: np.ndarray
) -> None:
    prepared = engine.prepare(picture)
    adapter = SessionAdapter(engine, ClassDecoder.from_engine(engine, lr=1e-2), AdaptationConfig(lr=1e-2))
    prompts = Prompts(clicks=CLICKS)
    losses = [adapter.after_click(prepared, prompts) for _ in range(6)]
    assert all(loss is not None for loss in losses)
    assert losses[-1] < 0.6 * losses[0]  # type: ignore[operator]


def test_reset_restores_the_class_decoder_bit_for_bit_and_continual_does_not(
    engine: SamEngine, picture: np.ndarray
) -> None:
    prepared = engine.prepare(picture)
    prompts = Prompts(clicks=CLICKS)
    reset_target = ClassDecoder.from_engine(engine, lr=1e-3)
    before = snapshot(reset_target.decoder)
    reset = SessionAdapter(
        engine, reset_target, AdaptationConfig(click="reset", result="off", click_mask=False, lr=1e-3)
    )
    first = reset.engine.predict(prepared, prompts, None)
    for _ in range(3):
        reset.after_click(prepared, prompts)
    assert not np.array_equal(reset.engine.predict(prepared, prompts, None), first)  # the copy learned
    assert reset.after_accept(prepared, prompts, first >= 0.5) is None  # RM and CM off
    assert same(snapshot(reset_target.decoder), before)
    assert np.array_equal(reset.engine.predict(prepared, prompts, None), first)  # back to the class decoder

    continual_target = ClassDecoder.from_engine(engine, lr=1e-3)
    continual = SessionAdapter(
        engine, continual_target, AdaptationConfig(click="continual", result="off", click_mask=False, lr=1e-3)
    )
    continual.after_click(prepared, prompts)
    assert not same(snapshot(continual_target.decoder), before)


def test_accepting_steps_the_class_decoder_and_never_the_encoders(
    engine: SamEngine, picture: np.ndarray
) -> None:
    prepared = engine.prepare(picture)
    encoder = snapshot(engine.model.image_encoder)
    prompt_encoder = snapshot(engine.model.prompt_encoder)
    base_decoder = snapshot(engine.model.mask_decoder)
    target = ClassDecoder.from_engine(engine)
    before = snapshot(target.decoder)
    adapter = SessionAdapter(engine, target, AdaptationConfig())
    prompts = Prompts(clicks=CLICKS)
    adapter.after_click(prepared, prompts)
    result = np.zeros((300, 400), dtype=bool)
    result[80:200, 120:300] = True
    loss = adapter.after_accept(prepared, prompts, result)
    assert loss is not None and loss > 0
    assert not same(snapshot(target.decoder), before)
    assert target.optimizer.state_dict()["state"]  # Adam has moments now
    assert same(snapshot(engine.model.image_encoder), encoder)
    assert same(snapshot(engine.model.prompt_encoder), prompt_encoder)
    assert same(snapshot(engine.model.mask_decoder), base_decoder)  # the base checkpoint's decoder too


def test_weights_and_adam_state_round_trip_exactly(engine: SamEngine, picture: np.ndarray) -> None:
    prepared = engine.prepare(picture)
    target = ClassDecoder.from_engine(engine, lr=1e-4)
    adapter = SessionAdapter(engine, target, AdaptationConfig(click="continual", lr=1e-4))
    adapter.after_click(prepared, Prompts(clicks=CLICKS))
    stored = io.BytesIO()
    torch.save(target.state(), stored)
    restored = ClassDecoder.from_engine(engine, lr=1e-4)
    restored.load_state(torch.load(io.BytesIO(stored.getvalue()), weights_only=True))
    assert same(snapshot(restored.decoder), snapshot(target.decoder))
    a, b = target.optimizer.state_dict()["state"], restored.optimizer.state_dict()["state"]
    assert a.keys() == b.keys() and all(torch.equal(a[k]["exp_avg"], b[k]["exp_avg"]) for k in a)
    # The two continue identically.
    for decoder in (target, restored):
        SessionAdapter(engine, decoder, AdaptationConfig(click="continual", lr=1e-4)).after_click(
            prepared, Prompts(clicks=CLICKS)
        )
    assert same(snapshot(restored.decoder), snapshot(target.decoder))
