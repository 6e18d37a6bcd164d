"""Alpha mattes: the band around a soft edge gets fractional alpha close to the truth."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from inference.masks.matte import alpha_matte, alpha_png, trimap


def soft_disc(size: int = 200, blur: float = 4.0) -> tuple[np.ndarray, np.ndarray]:
    """An image whose object has a known soft edge: alpha-blended red over textured blue."""
    hard = np.zeros((size, size), dtype=np.float32)
    cv2.circle(hard, (size // 2, size // 2), size // 3, 1.0, -1)
    alpha = cv2.GaussianBlur(hard, (0, 0), blur)
    rng = np.random.default_rng(0)
    background = np.array([40.0, 60.0, 200.0]) + rng.normal(0, 4, size=(size, size, 3))
    foreground = np.array([220.0, 40.0, 30.0]) + rng.normal(0, 4, size=(size, size, 3))
    image = alpha[..., None] * foreground + (1 - alpha[..., None]) * background
    return np.clip(image, 0, 255).astype(np.uint8), alpha


def test_the_trimap_leaves_a_band_of_the_requested_width_unknown() -> None:
    mask = np.zeros((40, 40), dtype=bool)
    mask[10:30, 10:30] = True
    t = trimap(mask, 3)
    assert set(np.unique(t)) == {0.0, 0.5, 1.0}
    row = t[20]
    assert list(np.flatnonzero(row == 0.5)) == [*range(7, 13), *range(27, 33)]


def test_the_matte_recovers_a_soft_edge_better_than_the_mask() -> None:
    image, truth = soft_disc()
    mask = truth >= 0.5
    alpha = alpha_matte(image, mask, band=8)
    edge = (truth > 0.02) & (truth < 0.98)
    assert alpha.dtype == np.float32 and alpha.shape == mask.shape
    assert np.abs(alpha - truth)[edge].mean() < 0.5 * np.abs(mask - truth)[edge].mean()
    far = trimap(mask, 8) != 0.5
    assert np.array_equal(alpha[far], mask[far].astype(np.float32))  # sure pixels keep the mask


def test_a_large_image_is_solved_on_a_scaled_crop_and_still_fits_the_edge() -> None:
    image, truth = soft_disc(size=900, blur=6.0)
    mask = truth >= 0.5
    alpha = alpha_matte(image, mask, max_side=300)
    edge = (truth > 0.02) & (truth < 0.98)
    assert np.abs(alpha - truth)[edge].mean() < 0.6 * np.abs(mask - truth)[edge].mean()


def test_the_png_is_greyscale_with_255_for_the_object() -> None:
    alpha = np.array([[0.0, 0.5], [1.0, 1.2]], dtype=np.float32)
    decoded = cv2.imdecode(np.frombuffer(alpha_png(alpha), np.uint8), cv2.IMREAD_UNCHANGED)
    assert decoded.dtype == np.uint8 and decoded.tolist() == [[0, 128], [255, 255]]


def test_mismatched_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="differ in size"):
        alpha_matte(np.zeros((4, 4, 3), np.uint8), np.zeros((5, 4), bool))
