"""Progressive merge: a click changes only the changed region it lies in."""

from __future__ import annotations

import numpy as np

from inference.pipelines.merge import ProgressiveMerge, merge_at_click
from inference.prompts import Click, Prompts


def square(y0: int, x0: int, y1: int, x1: int) -> np.ndarray:
    mask = np.zeros((60, 80), dtype=bool)
    mask[y0:y1, x0:x1] = True
    return mask


def test_only_the_clicked_region_of_the_change_is_taken() -> None:
    previous = square(10, 10, 40, 40)
    # The new prediction grows a bump at the right (clicked) and also drops a corner far away.
    prediction = (previous | square(20, 40, 30, 50)) & ~square(10, 10, 15, 15)
    merged = merge_at_click(previous, prediction, x=45, y=25)
    assert np.array_equal(merged, previous | square(20, 40, 30, 50))


def test_a_click_where_nothing_changed_changes_nothing() -> None:
    previous = square(10, 10, 40, 40)
    prediction = previous | square(0, 60, 10, 70)
    assert np.array_equal(merge_at_click(previous, prediction, x=20, y=20), previous)


class Fixed:
    """An engine whose answer is a fixed mask: everything the previous mask was, plus a far square."""

    name = "fixed"

    def prepare(self, image: np.ndarray) -> np.ndarray:
        return image

    def predict(self, prepared: object, prompts: Prompts, previous: np.ndarray | None) -> np.ndarray:
        base = previous if previous is not None else np.zeros((60, 80), dtype=bool)
        return (base | square(0, 60, 10, 70) | square(20, 40, 30, 50)).astype(np.float32)


def test_merge_starts_at_once_on_a_corrected_mask_and_after_ten_clicks_from_scratch() -> None:
    merge = ProgressiveMerge(Fixed())  # type: ignore[arg-type]
    previous = square(10, 10, 40, 40)
    click = Click(x=45, y=25, positive=True)
    corrected = merge.predict(None, Prompts(clicks=(click,), from_mask=True), previous) >= 0.5  # type: ignore[arg-type]
    assert not corrected[5, 65] and corrected[25, 45]
    early = Prompts(clicks=(click,) * 10)
    assert (merge.predict(None, early, previous) >= 0.5)[5, 65]  # type: ignore[arg-type]
    late = Prompts(clicks=(click,) * 11)
    assert not (merge.predict(None, late, previous) >= 0.5)[5, 65]  # type: ignore[arg-type]
