"""The Engine protocol every segmentation model implements.

An engine works in two steps, so that models with a heavy image encoder (SAM) and models
without one (GrabCut) look the same to callers:

1. ``prepare(image)``: the heavy, once-per-image step. It returns a ``PreparedImage`` that the
   caller may cache and reuse for every click on that image (SAM: the image embedding;
   GrabCut: the downscaled working copy).
2. ``predict(prepared, prompts, previous_mask)``: the light, per-click step. It returns a
   foreground probability map at the full image resolution.

Engines that propose several masks for an ambiguous prompt (SAM on the first click: the part,
the object, the group) also implement ``ProposesCandidates``. Engines that answer in stages (a
quick global mask, then a refined one: FocusCut's focus view) implement ``RefinesInStages``, so
a caller can show the first answer while the next is computed. Engines whose prepared images can
be stored and loaded elsewhere implement ``SharesPreparedImages``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from inference.prompts import Prompts


@runtime_checkable
class PreparedImage(Protocol):
    """Per-image state an engine computed once. ``width``/``height`` are the original size."""

    @property
    def width(self) -> int: ...

    @property
    def height(self) -> int: ...

    @property
    def nbytes(self) -> int:
        """Memory the state holds, so caches can be bounded by bytes."""
        ...


class Engine(Protocol):
    """A segmentation model usable interactively."""

    name: str

    def prepare(self, image: np.ndarray) -> PreparedImage:
        """Run the once-per-image step.

        ``image``: (H, W, 3) uint8 RGB.
        """
        ...

    def predict(
        self,
        prepared: PreparedImage,
        prompts: Prompts,
        previous_mask: np.ndarray | None,
    ) -> np.ndarray:
        """Predict the object's mask from the prompts so far.

        ``previous_mask``: (H, W) bool, the mask before this step, or None at the start.
        Returns a (H, W) float32 map of foreground probability in [0, 1]; callers binarise
        it at 0.5.
        """
        ...


@dataclass(frozen=True)
class Candidate:
    """One proposed mask: (H, W) float32 foreground probability and the model's own score."""

    probability: np.ndarray
    score: float


@runtime_checkable
class ProposesCandidates(Protocol):
    def predict_candidates(
        self, prepared: PreparedImage, prompts: Prompts, previous_mask: np.ndarray | None
    ) -> Sequence[Candidate]:
        """Every mask proposed for this step, best first; ``predict`` returns the first."""
        ...


@runtime_checkable
class SharesPreparedImages(Protocol):
    """An engine whose prepared images travel between processes as bytes (SAM's embedding), so
    one encoder pass can serve every worker. ``model_id`` names the weights they belong to."""

    model_id: str

    def prepared_to_bytes(self, prepared: PreparedImage) -> bytes: ...

    def prepared_from_bytes(self, data: bytes) -> PreparedImage:
        """The inverse of ``prepared_to_bytes``; raises ValueError on anything else."""
        ...


@runtime_checkable
class RefinesInStages(Protocol):
    def predict_stages(
        self, prepared: PreparedImage, prompts: Prompts, previous_mask: np.ndarray | None
    ) -> Iterator[np.ndarray]:
        """The step's answers as they are computed, each a (H, W) float32 probability map;
        the last is what ``predict`` returns."""
        ...


def predict_stages(
    engine: Engine, prepared: PreparedImage, prompts: Prompts, previous_mask: np.ndarray | None
) -> Iterator[np.ndarray]:
    """An engine's answers in stages: several for a ``RefinesInStages`` engine, else one."""
    if isinstance(engine, RefinesInStages):
        yield from engine.predict_stages(prepared, prompts, previous_mask)
    else:
        yield engine.predict(prepared, prompts, previous_mask)
