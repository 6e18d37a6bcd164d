"""GrabCut (OpenCV) as an interactive engine: no weights needed, the embedded default.

Clicks and scribbles become definite foreground/background pixels, the previous mask
probable foreground, the window's border probable background, and a geodesic prior decides
which probable pixels the clicks reach across the fewest colour edges. The graph cut runs on a
working copy of at most ``max_side`` pixels: of the whole image for the first click, then of
a window around the object so far (the target crop of FocalClick, seed 002), so small objects
are cut at a finer scale while the cost per click stays bounded. Once there is a mask, each
click or scribble corrects its own neighbourhood: the previous mask anchors the geodesic prior
beyond the click's depth, and only the changed region the prompt touches is kept.
"""

from __future__ import annotations

import cv2
import numpy as np

from inference.engines.anchor import anchor_seeds
from inference.engines.base import PreparedImage
from inference.engines.geodesic import GeodesicField
from inference.engines.grabcut_labels import apply_box, grow_clicks, previous_in_window, trust_coarse
from inference.engines.grabcut_window import GrabCutImage, Window
from inference.engines.local_update import keep_latest_change
from inference.masks.edges import edge_distance
from inference.masks.strokes import scribble_mask
from inference.prompts import Click, Prompts


class GrabCutEngine:
    """Interactive segmentation with ``cv2.grabCut``.

    ``max_side``: longer side of the working copy in pixels.
    ``iterations``: GrabCut iterations per click.
    ``click_radius``: radius of a click's definite disk, as a fraction of the working copy's
    longer side (at least 2 px).
    ``seed_radius``: radius of the probable-foreground disk around positive clicks when there
    is no previous mask, as a fraction of the working copy's shorter side.
    ``border``: width of the probable-background band along the working copy's edge, as a
    fraction of its longer side.
    ``context``: once there is a mask or a box, the window is their bounding box (with the
    positive clicks) grown by this fraction of its longer side on every side; None keeps the
    whole image.
    ``grow``: a click the previous mask got wrong marks a probable disk of its own label,
    ``grow`` times its distance to the mask's edge in radius (None: only the click's disk).
    ``geodesic``: weight of colour edges in the geodesic prior (None: no prior, and the first
    click seeds a disk of ``seed_radius`` instead); computed on at most ``geodesic_side`` px.
    ``certainty``: a probable pixel ``certainty`` times nearer (geodesically) to a negative
    seed than to any positive one becomes definite background (None: never).
    ``local_update``: keep the previous mask except the changed region holding the latest click.
    ``refine_first``: cut the first click twice: on the whole image, then in the window around
    that first result, as for later clicks.
    ``coarse_band``: a previous mask with no prompt at all (a coarse mask to refine) is trusted
    beyond a band of ``coarse_band`` times the square root of its area (working pixels) on each
    side of its edge: definite object inside, definite background outside; only the band is
    cut (None: the whole mask is only probable).
    ``fit_clicks``: once there is a mask, a click's definite disk ends a pixel short of the mask's
    edge, so a click in a thin band of error does not overwrite the pixels beyond the band.
    ``smooth``: Gaussian blur (sigma, working pixels) of the cut before it is scaled back and
    thresholded: the staircase of a downscaled cut and single-pixel spurs go (None: none).
    ``upscale``: a window smaller than ``max_side`` is enlarged up to this factor (1: never).
    ``anchor``: the latest click corrects its neighbourhood: the previous mask's pixels on the
    click's far side, deeper than ``anchor`` times the click's own depth, seed its rival in the
    geodesic prior (``inference/engines/anchor.py``), so a click on the edge cannot flood the
    background or empty the object (None: off).
    ``monotone``: in the local update, a positive click only adds pixels and a negative click only
    removes them.

    When there are positive clicks, only the foreground regions that hold one are kept, so a
    negative click on a separate wrong region removes all of it, and stray blobs go too.
    The defaults are the settings measured best on COCO MVal (``docs/performance.md``).
    """

    name = "grabcut"

    def __init__(
        self,
        max_side: int = 320,
        iterations: int = 1,
        click_radius: float = 0.012,
        seed_radius: float = 0.12,
        border: float = 0.02,
        context: float | None = 0.4,
        grow: float | None = 0.8,
        geodesic: float | None = 10.0,
        certainty: float | None = 2.0,
        geodesic_side: int = 160,
        local_update: bool = True,
        refine_first: bool = False,
        coarse_band: float | None = 0.1,
        fit_clicks: bool = True,
        smooth: float | None = 1.2,
        upscale: float = 1.0,
        anchor: float | None = 3.0,
        monotone: bool = True,
    ) -> None:
        if max_side < 16:
            raise ValueError("max_side must be at least 16 pixels")
        if context is not None and context < 0:
            raise ValueError("context must be >= 0")
        if upscale < 1.0:
            raise ValueError("upscale must be >= 1 (1: windows are never enlarged)")
        if anchor is not None and anchor <= 1.0:
            raise ValueError("anchor must be > 1 (None: off)")
        self.max_side = max_side
        self.iterations = iterations
        self.click_radius = click_radius
        self.seed_radius = seed_radius
        self.border = border
        self.context = context
        self.grow = grow
        self.geodesic = geodesic
        self.certainty = certainty
        self.geodesic_side = geodesic_side
        self.local_update = local_update
        self.refine_first = refine_first
        self.coarse_band = coarse_band
        self.fit_clicks = fit_clicks
        self.smooth = smooth
        self.upscale = upscale
        self.anchor = anchor
        self.monotone = monotone

    def prepare(self, image: np.ndarray) -> GrabCutImage:
        """``image``: (H, W, 3) uint8 RGB."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected (H, W, 3) uint8 RGB, got {image.shape} {image.dtype}")
        height, width = image.shape[:2]
        scale = min(1.0, self.max_side / max(height, width))
        bgr = np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
        small = bgr
        if scale < 1.0:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            small = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
        return GrabCutImage(width=width, height=height, scale=scale, bgr=bgr, small=small)

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

        previous = np.ascontiguousarray(previous_mask) if has_previous else None
        if previous is None and self.refine_first and prompts.box is None:
            first = self._step(prepared, prompts, None) >= 0.5
            if first.any():
                return self._step(prepared, prompts, first, local=False)
        return self._step(prepared, prompts, previous)

    def _step(
        self, prepared: GrabCutImage, prompts: Prompts, previous: np.ndarray | None, local: bool = True
    ) -> np.ndarray:
        window = self._window(prepared, prompts, previous)
        work = self._working_copy(prepared, window)
        inside = None if previous is None else previous_in_window(previous, window)
        labels = self._initial_labels(window, prompts, previous, inside)
        if self.geodesic is not None:
            anchor = self._anchor(window, prompts, inside)
            self._geodesic_prior(labels, work, prompts, self.geodesic, anchor)
        foreground = self._cut(work, labels)
        if prompts.has_positive:
            foreground = self._keep_clicked_regions(foreground, prompts, window)
        soft = foreground.astype(np.float32)
        if self.smooth:
            soft = np.clip(cv2.GaussianBlur(soft, (0, 0), self.smooth), 0.0, 1.0)
        prob = np.zeros((prepared.height, prepared.width), dtype=np.float32)
        prob[window.y0 : window.y1, window.x0 : window.x1] = cv2.resize(
            soft,
            (window.x1 - window.x0, window.y1 - window.y0),
            interpolation=cv2.INTER_LINEAR,
        )
        if local and self.local_update and previous is not None:
            prob = keep_latest_change(prob, previous, prompts, self.monotone)
        self._stamp_full_res(prob, prompts, previous)
        return prob

    def _window(self, prepared: GrabCutImage, prompts: Prompts, previous: np.ndarray | None) -> Window:
        whole = Window(0, 0, prepared.width, prepared.height, prepared.scale)
        if self.context is None or (previous is None and prompts.box is None):
            return whole
        xs: list[float] = [c.x for c in prompts.positive_clicks]
        ys: list[float] = [c.y for c in prompts.positive_clicks]
        for scribble in prompts.scribbles:
            if scribble.positive:
                xs.extend(p[0] for p in scribble.points)
                ys.extend(p[1] for p in scribble.points)
        if previous is not None:
            rows = np.flatnonzero(previous.any(axis=1))
            cols = np.flatnonzero(previous.any(axis=0))
            xs += [float(cols[0]), float(cols[-1] + 1)]
            ys += [float(rows[0]), float(rows[-1] + 1)]
        if prompts.box is not None:
            xs += [prompts.box.x0, prompts.box.x1]
            ys += [prompts.box.y0, prompts.box.y1]
        margin = self.context * max(max(xs) - min(xs), max(ys) - min(ys), 16.0)
        x0 = max(0, int(min(xs) - margin))
        y0 = max(0, int(min(ys) - margin))
        x1 = min(prepared.width, int(np.ceil(max(xs) + margin)) + 1)
        y1 = min(prepared.height, int(np.ceil(max(ys) + margin)) + 1)
        if (x1 - x0) * (y1 - y0) >= 0.9 * prepared.width * prepared.height:
            return whole
        scale = min(self.upscale, self.max_side / max(x1 - x0, y1 - y0))
        return Window(x0, y0, x1, y1, scale)

    @staticmethod
    def _working_copy(prepared: GrabCutImage, window: Window) -> np.ndarray:
        if (window.x0, window.y0, window.x1, window.y1) == (0, 0, prepared.width, prepared.height):
            return prepared.small
        crop = prepared.bgr[window.y0 : window.y1, window.x0 : window.x1]
        if window.scale == 1.0:
            return np.ascontiguousarray(crop)
        interpolation = cv2.INTER_AREA if window.scale < 1.0 else cv2.INTER_LINEAR
        return cv2.resize(crop, window.size, interpolation=interpolation)

    def _initial_labels(
        self, window: Window, prompts: Prompts, previous: np.ndarray | None, inside: np.ndarray | None
    ) -> np.ndarray:
        """``previous``: the previous (H, W) mask; ``inside``: the same in the window's working copy."""
        w, h = window.size
        labels = np.full((h, w), cv2.GC_PR_BGD, dtype=np.uint8)
        seed = max(3, round(self.seed_radius * min(h, w)))
        if inside is not None:
            labels[inside] = cv2.GC_PR_FGD
            if self.coarse_band is not None and not (prompts.clicks or prompts.scribbles or prompts.box):
                trust_coarse(labels, inside, self.coarse_band)
            if self.grow is not None:
                grow_clicks(labels, window, prompts, inside, seed, self.grow)
        elif prompts.box is None and self.geodesic is None:
            for click in prompts.positive_clicks:
                cv2.circle(labels, window.point(click.x, click.y), seed, int(cv2.GC_PR_FGD), -1)
            for scribble in prompts.scribbles:
                if scribble.positive:
                    labels[window.scribble(scribble, thickness=2 * seed / window.scale)] = cv2.GC_PR_FGD
        band = max(1, round(self.border * max(h, w)))
        border = np.ones((h, w), dtype=bool)
        border[band:-band, band:-band] = False
        labels[border & (labels == cv2.GC_PR_FGD)] = cv2.GC_PR_BGD
        if prompts.box is not None:
            apply_box(labels, prompts.box, window, fill_inside=previous is None)
        radius = max(2, round(self.click_radius * max(h, w)))
        for click in prompts.clicks:
            if window.contains(click.x, click.y):
                value = cv2.GC_FGD if click.positive else cv2.GC_BGD
                fitted = self._fitted_radius(previous, click, radius / window.scale) * window.scale
                cv2.circle(labels, window.point(click.x, click.y), round(fitted), int(value), -1)
        for scribble in prompts.scribbles:
            labels[window.scribble(scribble)] = cv2.GC_FGD if scribble.positive else cv2.GC_BGD
        return labels

    def _anchor(self, window: Window, prompts: Prompts, inside: np.ndarray | None) -> np.ndarray | None:
        """The anchor of the latest click on the previous mask ``inside`` (working pixels), or None."""
        latest = prompts.latest_click
        if self.anchor is None or inside is None or latest is None:
            return None
        if not window.contains(latest.x, latest.y):
            return None
        col, row = window.point(latest.x, latest.y)
        return anchor_seeds(inside, col, row, latest.positive, self.anchor)

    def _geodesic_prior(
        self, labels: np.ndarray, work: np.ndarray, prompts: Prompts, weight: float, anchor: np.ndarray | None
    ) -> None:
        """Relabel the probable pixels by which seeds reach them first along image edges.

        Positive seeds: positive clicks and scribbles. Negative seeds: negative clicks and
        scribbles, and the window's border band unless a box bounds the object. A probable
        pixel nearer a positive seed than any negative one becomes probable foreground; a
        probable-foreground pixel nearer a negative click than any positive seed becomes
        probable background. The latest click's ``anchor`` (see ``_anchor``) joins the
        click's rival, for the pixels on the anchor's side of the previous mask only.
        """
        h, w = labels.shape
        positive = labels == cv2.GC_FGD
        negative = labels == cv2.GC_BGD
        if not positive.any():
            return
        field = GeodesicField(work, weight, self.geodesic_side)
        to_positive = field.distance(positive)
        to_negative = field.distance(negative)
        to_border = np.full((h, w), np.inf)
        if prompts.box is None:
            band = max(1, round(self.border * max(h, w)))
            border = np.ones((h, w), dtype=bool)
            border[band:-band, band:-band] = False
            to_border = field.distance(border & ~positive)
        was_inside = labels == cv2.GC_PR_FGD
        was_outside = labels == cv2.GC_PR_BGD
        to_background, to_object = to_negative, to_positive
        # The anchor (the latest click's, see ``_anchor``) holds the background for a positive
        # click and the object for a negative one.
        to_anchor = None if anchor is None else field.distance(anchor)
        latest = prompts.latest_click
        holds_object = to_anchor is not None and not (latest is not None and latest.positive)
        if to_anchor is not None and not holds_object:
            to_background = np.where(was_outside, np.minimum(to_negative, to_anchor), to_negative)
        elif to_anchor is not None:
            to_object = np.where(was_inside, np.minimum(to_positive, to_anchor), to_positive)
        probable = was_inside | was_outside
        labels[probable & (to_positive < np.minimum(to_background, to_border))] = cv2.GC_PR_FGD
        labels[(labels == cv2.GC_PR_FGD) & (to_negative < to_object)] = cv2.GC_PR_BGD
        if self.certainty is not None:
            labels[probable & (to_background * self.certainty < to_positive)] = cv2.GC_BGD
            if holds_object:
                labels[was_inside & (to_object * self.certainty < to_negative)] = cv2.GC_FGD

    def _cut(self, work: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Run GrabCut; returns the (h, w) bool foreground of the working copy."""
        has_fg = np.isin(labels, (cv2.GC_FGD, cv2.GC_PR_FGD)).any()
        has_bg = np.isin(labels, (cv2.GC_BGD, cv2.GC_PR_BGD)).any()
        if not (has_fg and has_bg):
            return bool(has_fg) * np.ones(labels.shape, dtype=bool)
        cv2.setRNGSeed(0)  # GrabCut seeds its colour models with k-means++: same clicks, same mask
        bgd_model = np.zeros((1, 65), np.float64)
        fgd_model = np.zeros((1, 65), np.float64)
        cv2.grabCut(
            work,
            labels,
            None,  # type: ignore[call-overload]  # the stubs miss that rect may be None with a mask
            bgd_model,
            fgd_model,
            self.iterations,
            cv2.GC_INIT_WITH_MASK,
        )
        return np.isin(labels, (cv2.GC_FGD, cv2.GC_PR_FGD))

    @staticmethod
    def _keep_clicked_regions(foreground: np.ndarray, prompts: Prompts, window: Window) -> np.ndarray:
        """Keep the 8-connected regions of a (h, w) bool mask that hold a positive click or scribble."""
        count, regions = cv2.connectedComponents(foreground.astype(np.uint8), connectivity=8)
        if count <= 2:
            return foreground
        keep = set()
        for click in prompts.positive_clicks:
            if window.contains(click.x, click.y):
                col, row = window.point(click.x, click.y)
                keep.add(int(regions[row, col]))
        for scribble in prompts.scribbles:
            if scribble.positive:
                keep.update(np.unique(regions[window.scribble(scribble)]).tolist())
        keep.discard(0)
        return np.isin(regions, list(keep))

    def _fitted_radius(self, previous: np.ndarray | None, click: Click, radius: float) -> float:
        """A click's definite disk, ``radius`` image pixels at most, ends a pixel short of the
        previous mask's edge: a click in a thin band of error corrects the band, not the
        pixels on either side of it."""
        if not self.fit_clicks or previous is None:
            return radius
        return max(0.0, min(radius, edge_distance(previous, click.x, click.y, radius + 1.0) - 1.0))

    def _stamp_full_res(self, prob: np.ndarray, prompts: Prompts, previous: np.ndarray | None) -> None:
        """Clicked and scribbled pixels always take their label, whatever the downscaling did."""
        h, w = prob.shape
        for click in prompts.clicks:
            col = min(w - 1, max(0, int(click.x)))
            row = min(h - 1, max(0, int(click.y)))
            radius = round(self._fitted_radius(previous, click, 2.0))
            cv2.circle(prob, (col, row), radius, 1.0 if click.positive else 0.0, -1)
        for scribble in prompts.scribbles:
            prob[scribble_mask(scribble, h, w)] = 1.0 if scribble.positive else 0.0
