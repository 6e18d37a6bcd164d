"""One object of a dataset: where its pixels live, its class, and how to read them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image


class DatasetError(ValueError):
    """A dataset folder that does not match its layout, or a file that cannot be read."""


@dataclass(frozen=True)
class LoadedSample:
    """``image``: (H, W, 3) uint8 RGB; ``mask``: (H, W) bool; ``ignore``: (H, W) bool or None."""

    image: np.ndarray
    mask: np.ndarray
    ignore: np.ndarray | None


@dataclass(frozen=True)
class Sample(ABC):
    """An object to segment. ``name`` is unique within the dataset; ``label`` is its class."""

    name: str
    label: str
    image_path: Path

    @abstractmethod
    def load(self) -> LoadedSample: ...

    def read_image(self) -> np.ndarray:
        return read_rgb(self.image_path)


def read_rgb(path: Path) -> np.ndarray:
    """A file as (H, W, 3) uint8 RGB."""
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))
    except (OSError, SyntaxError) as exc:
        raise DatasetError(f"cannot read image {path}: {exc}") from exc


def read_labels(path: Path) -> np.ndarray:
    """A mask file as an integer array: palette indices, grey values, or packed RGB colours."""
    try:
        with Image.open(path) as image:
            if image.mode == "P" or image.mode in ("L", "1", "I", "I;16"):
                return np.asarray(image.convert("I") if image.mode == "1" else image).astype(np.int64)
            rgb = np.asarray(image.convert("RGB")).astype(np.int64)
    except (OSError, SyntaxError) as exc:
        raise DatasetError(f"cannot read mask {path}: {exc}") from exc
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def check_same_size(sample: Sample, image: np.ndarray, mask: np.ndarray) -> None:
    if image.shape[:2] != mask.shape[:2]:
        raise DatasetError(
            f"{sample.name}: image is {image.shape[1]}x{image.shape[0]} but its mask is "
            f"{mask.shape[1]}x{mask.shape[0]}"
        )
