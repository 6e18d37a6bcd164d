"""SAM's mask decoder compiled with TorchInductor (``torch.compile``), shared by all its copies.

The compiled function takes the decoder as an argument, so the base decoder, the class
decoders and the sessions' click-adapted copies (seed 004) all run one compiled graph with
their own weights, in-place updates included. Shapes are dynamic: any number of points, with
or without a box, share one graph; the single-mask and three-mask answers are one graph each.
Compiling takes tens of seconds on a CPU, so an engine that compiles warms up before it
answers a click (``SamEngine.warm_up``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import torch

Decode = Callable[..., tuple[torch.Tensor, torch.Tensor]]


def run_decoder(
    decoder: Any,
    image_embeddings: torch.Tensor,
    image_pe: torch.Tensor,
    sparse: torch.Tensor,
    dense: torch.Tensor,
    multimask: bool,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(low-resolution logits, predicted IoU) of ``decoder``, segment-anything's MaskDecoder."""
    low_res, scores = decoder(
        image_embeddings=image_embeddings,
        image_pe=image_pe,
        sparse_prompt_embeddings=sparse,
        dense_prompt_embeddings=dense,
        multimask_output=multimask,
    )
    return low_res, scores


@lru_cache(maxsize=1)
def compiled_decoder() -> Decode:
    """``run_decoder`` compiled once per process, for every decoder and prompt count."""
    compiled: Decode = torch.compile(run_decoder, dynamic=True)
    return compiled


def compiled_graphs() -> int:
    """How many graphs TorchDynamo has compiled in this process (tests count recompilations)."""
    from torch._dynamo.utils import counters

    return int(counters["stats"]["unique_graphs"])
