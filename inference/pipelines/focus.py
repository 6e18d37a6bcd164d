"""The focus view of FocusCut (seed 003): re-segment a click-centred patch of the original image.

After the engine's global prediction for a click, Algorithm 2 decides whether the click deserves
a closer look and how close (``focus_scope``); the patch around the click is cut from the
original-resolution image, the engine runs on it with the clicks inside and the global
prediction as the previous mask, and the result is pasted back. Algorithm 3 then narrows the
patch turn by turn while the patch prediction still changes (``progressive``); the fast form
shrinks it by a fixed factor and averages the turns, which could all run at once.

The first click of an object segments the whole object, so the focus view starts at the second.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from inference.engines.base import Engine, PreparedImage
from inference.engines.cache import prepared_nbytes
from inference.lru import LRU
from inference.pipelines.region import Region
from inference.prompts import Click, Prompts

LAMBDA = 0.2
OMEGA = 1.75
TURNS = 3
OMEGA_HAT = 1.1
EPSILON = 2
FAST_SHRINK = 0.8


@dataclass(frozen=True)
class FocusScope:
    """Whether to focus, and the half side ``radius`` of the square patch around the click."""

    focus: bool
    radius: float


def _chebyshev(row: int, col: int, area: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(area)
    return np.maximum(np.abs(ys - row), np.abs(xs - col))


def focus_scope(
    previous: np.ndarray, current: np.ndarray, click: Click, lam: float = LAMBDA, omega: float = OMEGA
) -> FocusScope:
    """Algorithm 2: ``previous`` and ``current`` are the (H, W) bool global predictions."""
    h, w = current.shape
    row, col = min(h - 1, max(0, int(click.y))), min(w - 1, max(0, int(click.x)))
    change = previous != current
    if change[row, col]:
        _, regions = cv2.connectedComponents(change.astype(np.uint8), connectivity=8)
        area = regions == regions[row, col]
        focus = int(area.sum()) < lam * int(current.sum())
        reach = float(_chebyshev(row, col, area).max())
    else:
        other = previous != current[row, col]
        focus = True
        reach = float(_chebyshev(row, col, other).min()) if other.any() else float(max(h, w))
    return FocusScope(focus=focus, radius=omega * reach)


@dataclass
class FocusImage:
    """The engine's prepared image, the original pixels for patches, and prepared patches."""

    image: np.ndarray
    inner: PreparedImage
    patches: LRU[Region, PreparedImage]

    @property
    def width(self) -> int:
        return self.inner.width

    @property
    def height(self) -> int:
        return self.inner.height

    @property
    def nbytes(self) -> int:
        return int(self.image.nbytes) + self.inner.nbytes + self.patches.nbytes


class FocusView:
    """Wraps an engine: its global prediction, then the focus view around the latest click."""

    def __init__(
        self,
        engine: Engine,
        *,
        lam: float = LAMBDA,
        omega: float = OMEGA,
        turns: int = TURNS,
        omega_hat: float = OMEGA_HAT,
        epsilon: int = EPSILON,
        fast: bool = False,
        min_radius: float = 8.0,
        cached_patches: int = 8,
    ) -> None:
        self.engine = engine
        self.name = engine.name
        self.lam, self.omega, self.turns, self.omega_hat = lam, omega, turns, omega_hat
        self.epsilon, self.fast, self.min_radius = epsilon, fast, min_radius
        self.cached_patches = cached_patches

    def prepare(self, image: np.ndarray) -> FocusImage:
        patches: LRU[Region, PreparedImage] = LRU(max_entries=self.cached_patches, size=prepared_nbytes)
        return FocusImage(image=image, inner=self.engine.prepare(image), patches=patches)

    def predict(
        self, prepared: PreparedImage, prompts: Prompts, previous_mask: np.ndarray | None
    ) -> np.ndarray:
        *_, last = self.predict_stages(prepared, prompts, previous_mask)
        return last

    def predict_stages(
        self, prepared: PreparedImage, prompts: Prompts, previous_mask: np.ndarray | None
    ) -> Iterator[np.ndarray]:
        """The global prediction first; then, when the click deserves a focus view, the
        prediction refined by it (so a page can show the first while the second is computed)."""
        if not isinstance(prepared, FocusImage):
            raise TypeError(f"FocusView needs an image it prepared, got {type(prepared).__name__}")
        probability = self.engine.predict(prepared.inner, prompts, previous_mask)
        yield probability
        click = prompts.latest_click
        if previous_mask is None or not previous_mask.any() or click is None:
            return
        scope = focus_scope(previous_mask, probability >= 0.5, click, self.lam, self.omega)
        if not scope.focus:
            return
        if self.fast:
            yield self._fast(prepared, prompts, probability, previous_mask, click, scope.radius)
        else:
            yield self._progressive(prepared, prompts, probability, previous_mask, click, scope.radius)

    def _patch_predict(
        self, prepared: FocusImage, patch: Region, prompts: Prompts, previous: np.ndarray
    ) -> np.ndarray:
        inner = prepared.patches.get(patch)
        if inner is None:
            inner = self.engine.prepare(np.ascontiguousarray(prepared.image[patch.slices]))
            prepared.patches.put(patch, inner)
        return self.engine.predict(inner, patch.prompts(prompts), previous)

    def _patch(self, prepared: FocusImage, click: Click, radius: float) -> Region:
        return Region.around(click, radius, prepared.width, prepared.height, self.min_radius)

    def _progressive(
        self,
        prepared: FocusImage,
        prompts: Prompts,
        global_probability: np.ndarray,
        previous_mask: np.ndarray,
        click: Click,
        radius: float,
    ) -> np.ndarray:
        """Algorithm 3: narrow the patch while its prediction still changes beyond ``epsilon``.

        The first turn starts from the mask before the click, so that an engine which keeps
        everything but the change at the latest click (GrabCut's local update) redoes this click
        at full resolution; later turns start from the turn before, as in the seed.
        """
        out = global_probability.copy()
        kernel = np.ones((2 * self.epsilon + 1, 2 * self.epsilon + 1), np.uint8)
        for turn in range(self.turns):
            patch = self._patch(prepared, click, radius)
            before = out[patch.slices] >= 0.5
            start = previous_mask[patch.slices] if turn == 0 else before
            result = self._patch_predict(prepared, patch, prompts, start)
            out[patch.slices] = result
            change = cv2.erode(((result >= 0.5) != before).astype(np.uint8), kernel) > 0
            if not change.any():
                break
            local = Click(click.x - patch.x0, click.y - patch.y0, click.positive)
            row, col = min(change.shape[0] - 1, int(local.y)), min(change.shape[1] - 1, int(local.x))
            radius = self.omega_hat * float(_chebyshev(row, col, change).max())
        return out

    def _fast(
        self,
        prepared: FocusImage,
        prompts: Prompts,
        global_probability: np.ndarray,
        previous_mask: np.ndarray,
        click: Click,
        radius: float,
    ) -> np.ndarray:
        """The fast form: patches shrinking by a fixed factor, all from the mask before the
        click (independent, so they could run at once), averaged where they overlap."""
        total = np.zeros_like(global_probability)
        count = np.zeros(global_probability.shape, dtype=np.float32)
        for turn in range(self.turns):
            patch = self._patch(prepared, click, radius * FAST_SHRINK**turn)
            result = self._patch_predict(prepared, patch, prompts, previous_mask[patch.slices])
            total[patch.slices] += result
            count[patch.slices] += 1.0
        covered = count > 0
        out = global_probability.copy()
        out[covered] = total[covered] / count[covered]
        return out
