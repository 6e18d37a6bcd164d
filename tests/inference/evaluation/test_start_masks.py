"""Coarse masks and DAVIS-585 defects land in their IoU ranges."""

from __future__ import annotations

import numpy as np
import pytest

from inference.evaluation.coarse import COARSE_LEVELS, coarse_mask
from inference.evaluation.defects import DEFECT_IOU_RANGE, defective_mask
from inference.evaluation.metrics import iou
from inference.synthetic import make_scene


@pytest.mark.parametrize("level", COARSE_LEVELS)
@pytest.mark.parametrize("size", [12, 90])
def test_coarse_masks_land_inside_the_requested_iou_range(level: tuple[float, float], size: int) -> None:
    truth = np.zeros((200, 200), dtype=bool)
    yy, xx = np.mgrid[0:200, 0:200]
    truth[(xx - 100) ** 2 + (yy - 100) ** 2 <= size**2] = True
    rng = np.random.default_rng(7)
    coarse = coarse_mask(truth, level, rng)
    low, high = level
    assert low <= iou(truth, coarse) <= high


def test_defective_masks_land_between_75_and_85_percent_and_keep_most_of_the_object() -> None:
    scene = make_scene(320, 240, objects=2, seed=4)
    for index, truth in enumerate(scene.masks):
        flawed = defective_mask(scene.image, truth, np.random.default_rng(index))
        low, high = DEFECT_IOU_RANGE
        assert low <= iou(truth, flawed) <= high
        assert (flawed & truth).sum() > 0.6 * truth.sum()
    again = defective_mask(scene.image, scene.masks[0], np.random.default_rng(0))
    assert np.array_equal(again, defective_mask(scene.image, scene.masks[0], np.random.default_rng(0)))
