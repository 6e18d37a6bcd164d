"""GrabCut (OpenCV) as an interactive engine: no weights needed, the embedded default.

Clicks and scribbles become definite foreground/background pixels, the previous mask probable foreground,
the image border probable background; the graph cut runs on a downscaled working copy and
the result is upscaled back to the image's resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from inference.engines.base import PreparedImage
from inference.masks.strokes import scribble_mask
from inference.prompts import Box, Prompts, Scribble


@dataclass(frozen=True)
class GrabCutImage:
    """The working copy GrabCut segments.

    ``small``: (h, w, 3) uint8 BGR, the image scaled by ``scale`` (<= 1) so its longer side is
    at most the engine's ``max_side``.
    """

    width: int
    height: int
    scale: float
    small: np.ndarray

    @property
    def nbytes(self) -> int:
        return int(self.small.nbytes)


class GrabCutEngine:
    """Interactive segmentation with ``cv2.grabCut``.

    ``max_side``: longer side of the working copy in pixels.
    ``iterations``: GrabCut iterations per click.
    ``click_radius``: radius of a click's definite disk, as a fraction of the working copy's
    longer side (at least 2 px).
    ``seed_radius``: radius of the probable-foreground disk around positive clicks when there
    is no previous mask, as a fraction of the working copy's shorter side.

    When there are positive clicks, only the foreground regions that hold one are kept, so a
    negative click on a separate wrong region removes all of it, and stray blobs go too.
    ``border``: width of the probable-background border band, as a fraction of the longer side.
    """

    name = "grabcut"

    def __init__(
        self,
        max_side: int = 320,
        iterations: int = 3,
        click_radius: float = 0.012,
        seed_radius: float = 0.12,
        border: float = 0.02,
    ) -> None:
        if max_side < 16:
            raise ValueError("max_side must be at least 16 pixels")
        self.max_side = max_side
        self.iterations = iterations
        self.click_radius = click_radius
        self.seed_radius = seed_radius
        self.border = border

    def prepare(self, image: np.ndarray) -> GrabCutImage:
        """``image``: (H, W, 3) uint8 RGB."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected (H, W, 3) uint8 RGB, got {image.shape} {image.dtype}")
        height, width = image.shape[:2]
        scale = min(1.0, self.max_side / max(height, width))
        bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
        if scale < 1.0:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
        return GrabCutImage(width=width, height=height, scale=scale, small=np.ascontiguousarray(bgr))

    def predict(
        self,
        prepared: PreparedImage,
        prompts: Prompts,
        previous_mask: np.ndarray | None,
    ) -> np.ndarray:
        """Returns a (H, W) float32 foreground probability map in [0, 1]."""
        if not isinstance(prepared, GrabCutImage):
            raise TypeError(f"GrabCutEngine needs an image it prepared, got {type(prepared).__name__}")
        has_previous = previous_mask is not None and bool(previous_mask.any())
        if not prompts.has_positive and prompts.box is None and not has_previous:
            return np.zeros((prepared.height, prepared.width), dtype=np.float32)

        labels = self._initial_labels(prepared, prompts, previous_mask if has_previous else None)
        small_fg = self._cut(prepared.small, labels)
        if prompts.has_positive:
            small_fg = self._keep_clicked_regions(small_fg, prompts, prepared.scale)
        prob = cv2.resize(
            small_fg.astype(np.float32),
            (prepared.width, prepared.height),
            interpolation=cv2.INTER_LINEAR,
        )
        self._stamp_clicks_full_res(prob, prompts)
        return prob

    def _initial_labels(
        self, prepared: GrabCutImage, prompts: Prompts, previous_mask: np.ndarray | None
    ) -> np.ndarray:
        h, w = prepared.small.shape[:2]
        s = prepared.scale
        labels = np.full((h, w), cv2.GC_PR_BGD, dtype=np.uint8)
        seed = max(3, round(self.seed_radius * min(h, w)))
        if previous_mask is not None:
            small_prev = cv2.resize(previous_mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
            labels[small_prev > 0] = cv2.GC_PR_FGD
        elif prompts.box is None:
            for click in prompts.positive_clicks:
                cv2.circle(labels, self._point(click.x, click.y, s), seed, int(cv2.GC_PR_FGD), -1)
            for scribble in prompts.scribbles:
                if scribble.positive:
                    near = Scribble(points=scribble.points, thickness=2 * seed / s, positive=True)
                    labels[scribble_mask(near, h, w, s)] = cv2.GC_PR_FGD
        band = max(1, round(self.border * max(h, w)))
        border = np.ones((h, w), dtype=bool)
        border[band:-band, band:-band] = False
        labels[border & (labels == cv2.GC_PR_FGD)] = cv2.GC_PR_BGD
        if prompts.box is not None:
            self._apply_box(labels, prompts.box, s, fill_inside=previous_mask is None)
        radius = max(2, round(self.click_radius * max(h, w)))
        for click in prompts.clicks:
            value = cv2.GC_FGD if click.positive else cv2.GC_BGD
            cv2.circle(labels, self._point(click.x, click.y, s), radius, int(value), -1)
        for scribble in prompts.scribbles:
            labels[scribble_mask(scribble, h, w, s)] = cv2.GC_FGD if scribble.positive else cv2.GC_BGD
        return labels

    @staticmethod
    def _apply_box(labels: np.ndarray, box: Box, scale: float, fill_inside: bool) -> None:
        h, w = labels.shape
        x0 = int(np.clip(np.floor(box.x0 * scale), 0, w - 1))
        y0 = int(np.clip(np.floor(box.y0 * scale), 0, h - 1))
        x1 = int(np.clip(np.ceil(box.x1 * scale), x0 + 1, w))
        y1 = int(np.clip(np.ceil(box.y1 * scale), y0 + 1, h))
        outside = np.ones((h, w), dtype=bool)
        outside[y0:y1, x0:x1] = False
        labels[outside] = cv2.GC_BGD
        if fill_inside:
            labels[y0:y1, x0:x1] = cv2.GC_PR_FGD

    def _cut(self, small: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Run GrabCut; returns the (h, w) bool foreground of the working copy."""
        has_fg = np.isin(labels, (cv2.GC_FGD, cv2.GC_PR_FGD)).any()
        has_bg = np.isin(labels, (cv2.GC_BGD, cv2.GC_PR_BGD)).any()
        if not (has_fg and has_bg):
            return bool(has_fg) * np.ones(labels.shape, dtype=bool)
        cv2.setRNGSeed(0)  # GrabCut seeds its colour models with k-means++: same clicks, same mask
        bgd_model = np.zeros((1, 65), np.float64)
        fgd_model = np.zeros((1, 65), np.float64)
        cv2.grabCut(
            small,
            labels,
            None,  # type: ignore[call-overload]  # the stubs miss that rect may be None with a mask
            bgd_model,
            fgd_model,
            self.iterations,
            cv2.GC_INIT_WITH_MASK,
        )
        return np.isin(labels, (cv2.GC_FGD, cv2.GC_PR_FGD))

    @classmethod
    def _keep_clicked_regions(cls, foreground: np.ndarray, prompts: Prompts, scale: float) -> np.ndarray:
        """Keep the 8-connected regions of a (h, w) bool mask that hold a positive click or scribble."""
        count, regions = cv2.connectedComponents(foreground.astype(np.uint8), connectivity=8)
        if count <= 2:
            return foreground
        h, w = foreground.shape
        keep = set()
        for click in prompts.positive_clicks:
            col, row = cls._point(click.x, click.y, scale)
            keep.add(int(regions[min(row, h - 1), min(col, w - 1)]))
        for scribble in prompts.scribbles:
            if scribble.positive:
                keep.update(np.unique(regions[scribble_mask(scribble, h, w, scale)]).tolist())
        keep.discard(0)
        return np.isin(regions, list(keep))

    @staticmethod
    def _point(x: float, y: float, scale: float) -> tuple[int, int]:
        return (int(x * scale), int(y * scale))

    @staticmethod
    def _stamp_clicks_full_res(prob: np.ndarray, prompts: Prompts) -> None:
        """Clicked and scribbled pixels always take their label, whatever the downscaling did."""
        h, w = prob.shape
        for click in prompts.clicks:
            col = min(w - 1, max(0, int(click.x)))
            row = min(h - 1, max(0, int(click.y)))
            cv2.circle(prob, (col, row), 2, 1.0 if click.positive else 0.0, -1)
        for scribble in prompts.scribbles:
            prob[scribble_mask(scribble, h, w)] = 1.0 if scribble.positive else 0.0
