"""Target crop of FocalClick-XL (seed 002 §3.1, §4.2): run the engine on the object's region.

Once there is a mask, the box around it and the new click, grown ``ratio`` times about its
centre, is cut from the original image; the engine works on that crop at its own working size,
so a small object gets the engine's whole resolution. Pixels outside the crop keep the previous
mask. While the mask is empty the engine sees the whole image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.engines.base import Engine, PreparedImage
from inference.engines.cache import prepared_nbytes
from inference.lru import LRU
from inference.pipelines.region import Region
from inference.prompts import Prompts

RATIO = 1.4


@dataclass
class CropImage:
    """The engine's prepared whole image, the original pixels, and prepared crops (LRU)."""

    image: np.ndarray
    whole: PreparedImage
    crops: LRU[Region, PreparedImage]

    @property
    def width(self) -> int:
        return self.whole.width

    @property
    def height(self) -> int:
        return self.whole.height

    @property
    def nbytes(self) -> int:
        return int(self.image.nbytes) + self.whole.nbytes + self.crops.nbytes


class TargetCrop:
    """Wraps an engine: after the first mask, it runs on the target's crop only."""

    def __init__(
        self, engine: Engine, *, ratio: float = RATIO, min_side: float = 32.0, cached_crops: int = 4
    ) -> None:
        self.engine = engine
        self.name = engine.name
        self.ratio, self.min_side, self.cached_crops = ratio, min_side, cached_crops

    def prepare(self, image: np.ndarray) -> CropImage:
        crops: LRU[Region, PreparedImage] = LRU(max_entries=self.cached_crops, size=prepared_nbytes)
        return CropImage(image=image, whole=self.engine.prepare(image), crops=crops)

    def region(self, previous: np.ndarray, prompts: Prompts, width: int, height: int) -> Region:
        """The crop: the box of the previous mask and the latest click, grown by ``ratio``."""
        rows = np.flatnonzero(previous.any(axis=1))
        cols = np.flatnonzero(previous.any(axis=0))
        x0, x1, y0, y1 = float(cols[0]), float(cols[-1]), float(rows[0]), float(rows[-1])
        if prompts.clicks:
            latest = prompts.clicks[-1]
            x0, x1 = min(x0, latest.x), max(x1, latest.x)
            y0, y1 = min(y0, latest.y), max(y1, latest.y)
        return Region.expanded(x0, y0, x1, y1, self.ratio, width, height, self.min_side)

    def predict(
        self, prepared: PreparedImage, prompts: Prompts, previous_mask: np.ndarray | None
    ) -> np.ndarray:
        if not isinstance(prepared, CropImage):
            raise TypeError(f"TargetCrop needs an image it prepared, got {type(prepared).__name__}")
        if previous_mask is None or not previous_mask.any():
            return self.engine.predict(prepared.whole, prompts, previous_mask)
        region = self.region(previous_mask, prompts, prepared.width, prepared.height)
        crop = prepared.crops.get(region)
        if crop is None:
            crop = self.engine.prepare(np.ascontiguousarray(prepared.image[region.slices]))
            prepared.crops.put(region, crop)
        inside = self.engine.predict(crop, region.prompts(prompts), previous_mask[region.slices])
        return region.paste(previous_mask.astype(np.float32), inside)
