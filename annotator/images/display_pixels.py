"""An image's pixels as 8-bit greyscale or RGB, the two modes every browser and the engine
read alike.

Pillow opens some images in modes a plain ``convert("RGB")`` gets wrong or that a browser
draws differently: 16-bit greyscale (``I;16``) clips to white, transparent pixels show the
page behind them in the browser but their hidden colour to the engine. Each is converted
here, once, to ``L`` or ``RGB``:

- 16-bit and 32-bit integer greyscale (``I;16*``, ``I``): scaled from 0..65535 to 0..255
  (a transparent grey level there is not composited: PNG alone has it, and rarely);
- 32-bit float greyscale (``F``): from 0..1 when every value lies there, else read as 0..255;
- anything with alpha or a transparent colour (``LA``, ``PA``, ``RGBA``, ``P`` or ``L`` with
  ``transparency``, ...): composited onto white, greyscale staying greyscale;
- bilevel (``1``) to ``L``; palettes, CMYK and other colour modes to ``RGB``.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

OUTPUT_MODES = ("L", "RGB")
BACKGROUND = 255
WIDE_GREY = ("I;16", "I;16L", "I;16B", "I;16N", "I")
WITH_ALPHA = ("LA", "La", "PA", "RGBA", "RGBa")
GREY = ("1", "L", "LA", "La")
# 0..65535 to 0..255, rounded to the nearest (65535 = 255 x 257).
SIXTEEN_TO_EIGHT = ((np.arange(65536, dtype=np.uint32) * 255 + 32767) // 65535).astype(np.uint8)


def eight_bit(image: Image.Image) -> Image.Image:
    """``image`` (loaded) in mode ``L`` or ``RGB``, converted as the module says; ``image``
    itself where it is one of those already and has no transparent colour."""
    transparent = image.mode in WITH_ALPHA or "transparency" in image.info
    if image.mode in OUTPUT_MODES and not transparent:
        return image
    if image.mode in WIDE_GREY:
        values = np.asarray(image)
        if image.mode == "I":
            values = np.clip(values, 0, 65535)
        return Image.fromarray(SIXTEEN_TO_EIGHT[values])
    if image.mode == "F":
        return Image.fromarray(_float_to_eight_bit(np.asarray(image)))
    if transparent:
        return _onto_white(image.convert("LA" if image.mode in GREY else "RGBA"))
    return image.convert("L" if image.mode == "1" else "RGB")


def _float_to_eight_bit(values: np.ndarray) -> np.ndarray:
    finite = np.nan_to_num(values, nan=0.0, posinf=255.0, neginf=0.0)
    scale = 255.0 if finite.size and finite.min() >= 0.0 and finite.max() <= 1.0 else 1.0
    return np.clip(np.rint(finite * scale), 0, 255).astype(np.uint8)


def _onto_white(image: Image.Image) -> Image.Image:
    """An ``LA`` or ``RGBA`` image composited onto white, as ``L`` or ``RGB``."""
    mode = image.mode[:-1]
    flat = Image.new(mode, image.size, (BACKGROUND,) * len(mode))
    flat.paste(image.convert(mode), mask=image.getchannel("A"))
    return flat
