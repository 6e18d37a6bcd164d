"""COCO RLE and mask patches: undo restores exactly the pixels a step changed."""

from __future__ import annotations

import numpy as np

from inference.masks import patch, rle


def random_mask(shape: tuple[int, int], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random(shape) > 0.6


def test_rle_round_trip_is_exact() -> None:
    mask = random_mask((37, 53), 1)
    encoded = rle.encode(mask)
    assert encoded["size"] == [37, 53]
    assert isinstance(encoded["counts"], str)
    assert np.array_equal(rle.decode(encoded), mask)
    assert rle.area(encoded) == int(mask.sum())


def test_bbox_is_coco_xywh() -> None:
    mask = np.zeros((20, 30), dtype=bool)
    mask[5:9, 10:22] = True
    assert rle.bbox(rle.encode(mask)) == [10.0, 5.0, 12.0, 4.0]


def test_patch_covers_only_the_changed_pixels_and_reverts_exactly() -> None:
    old = random_mask((40, 40), 2)
    new = old.copy()
    new[10:15, 20:31] = ~new[10:15, 20:31]
    step = patch.diff(old, new)
    assert (step.x, step.y, step.width, step.height) == (20, 10, 11, 5)
    assert np.array_equal(step.apply(old), new)
    assert np.array_equal(step.revert(new), old)


def test_revert_keeps_edits_made_elsewhere_after_the_step() -> None:
    old = np.zeros((30, 30), dtype=bool)
    new = old.copy()
    new[2:6, 2:6] = True
    step = patch.diff(old, new)
    edited = new.copy()
    edited[20:25, 20:25] = True
    undone = step.revert(edited)
    assert not undone[2:6, 2:6].any()
    assert undone[20:25, 20:25].all()


def test_no_change_gives_an_empty_patch_on_the_wire() -> None:
    mask = random_mask((8, 8), 3)
    step = patch.diff(mask, mask)
    assert step.is_empty
    assert step.to_wire() == {"bbox": [0, 0, 0, 0], "before": None, "after": None}


def test_wire_form_decodes_back_to_the_box_pixels() -> None:
    old = np.zeros((25, 25), dtype=bool)
    new = old.copy()
    new[3:7, 4:12] = True
    wire = patch.diff(old, new).to_wire()
    assert wire["bbox"] == [4, 3, 8, 4]
    assert rle.decode(wire["after"]).all()  # type: ignore[arg-type]
    assert not rle.decode(wire["before"]).any()  # type: ignore[arg-type]
