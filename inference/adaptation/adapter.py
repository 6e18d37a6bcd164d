"""Adapting a class's copy of SAM's mask decoder while annotators work (seed 004).

``ClassDecoder`` is one label class's decoder with its Adam state. ``SessionAdapter`` serves
one object being annotated:

- Click Adaptation (CA) after every click, one Adam step on the sparse click label: on a
  session copy of the class decoder that is dropped when the object is done (**reset**), or on
  the class decoder itself (**continual**);
- after the object is accepted, one Adam step on the class decoder with the result mask
  (**untreated** or **eroded**) and/or the click mask (**CM**), merged into one label.

Only the mask decoder's parameters change; the image encoder and the prompt encoder are frozen.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch

from inference.adaptation.labels import UNKNOWN, click_label, merged_label, result_label
from inference.adaptation.loss import sparse_bce
from inference.engines.base import PreparedImage
from inference.engines.sam.engine import SamEngine
from inference.prompts import Prompts

ClickMode = Literal["off", "reset", "continual"]
ResultMode = Literal["off", "untreated", "eroded"]


@dataclass(frozen=True)
class AdaptationConfig:
    """One of the seed's variants: ``click`` is CA (R / C), ``result`` is RM (U / E),
    ``click_mask`` is CM. The default is the seed's complete method (CA R, RM E, CM)."""

    click: ClickMode = "reset"
    result: ResultMode = "eroded"
    click_mask: bool = True
    lr: float = 1e-6
    erosions: int = 5

    def __post_init__(self) -> None:
        if self.click not in ("off", "reset", "continual"):
            raise ValueError(f"unknown click adaptation {self.click!r}")
        if self.result not in ("off", "untreated", "eroded"):
            raise ValueError(f"unknown result-mask use {self.result!r}")
        if self.lr <= 0:
            raise ValueError("the learning rate must be positive")
        if self.erosions < 0:
            raise ValueError("the number of erosions cannot be negative")

    @property
    def adapts_after_accept(self) -> bool:
        return self.result != "off" or self.click_mask

    @property
    def adapts(self) -> bool:
        """Whether anything learns at all (False: the seed's baseline row)."""
        return self.click != "off" or self.adapts_after_accept

    @classmethod
    def parse(cls, text: str) -> AdaptationConfig:
        """A variant in the seed's table notation, comma separated: ``ca=r`` or ``ca=c`` (click
        adaptation, reset or continual), ``rm=u`` or ``rm=e`` (result mask, untreated or
        eroded), ``cm`` (click mask), ``lr=1e-6``, ``k=5`` (erosions). Missing parts are off;
        ``full`` is the seed's complete method (``ca=r,rm=e,cm``), ``none`` its baseline."""
        text = text.strip().lower()
        if text == "full":
            return cls()
        fields: dict[str, Any] = {"click": "off", "result": "off", "click_mask": False}
        if text == "none":
            return cls(**fields)
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, _, value = part.partition("=")
            try:
                if key == "ca":
                    fields["click"] = _CLICK_CODES[value]
                elif key == "rm":
                    fields["result"] = _RESULT_CODES[value]
                elif key == "cm" and value in ("", "on", "off"):
                    fields["click_mask"] = value != "off"
                elif key == "lr":
                    fields["lr"] = float(value)
                elif key == "k":
                    fields["erosions"] = int(value)
                else:
                    raise KeyError(key)
            except (KeyError, ValueError):
                raise ValueError(
                    f"cannot read {part!r} in the variant {text!r}: use ca=r|c, rm=u|e, cm, lr=, k="
                ) from None
        return cls(**fields)

    def notation(self) -> str:
        """The variant as ``parse`` reads it (and as the seed's tables name it)."""
        parts = []
        if self.click != "off":
            parts.append(f"ca={self.click[0]}")
        if self.result != "off":
            parts.append(f"rm={self.result[0]}")
        if self.click_mask:
            parts.append("cm")
        if not parts:
            return "none"
        return ",".join([*parts, f"lr={self.lr:g}", f"k={self.erosions}"])


_CLICK_CODES: dict[str, ClickMode] = {"r": "reset", "c": "continual", "off": "off"}
_RESULT_CODES: dict[str, ResultMode] = {"u": "untreated", "e": "eroded", "off": "off"}


class ClassDecoder:
    """A label class's mask decoder and its Adam optimiser."""

    def __init__(self, decoder: torch.nn.Module, lr: float) -> None:
        self.decoder = decoder
        self.optimizer = torch.optim.Adam(decoder.parameters(), lr=lr)

    @classmethod
    def from_engine(cls, engine: SamEngine, lr: float = 1e-6) -> ClassDecoder:
        """A fresh copy of the engine's (base checkpoint's) decoder."""
        return cls(copy.deepcopy(engine.model.mask_decoder), lr)

    def state(self, with_optimizer: bool = True) -> dict[str, Any]:
        """Weights and (unless ``with_optimizer`` is false) Adam state, for ``torch.save``."""
        if not with_optimizer:
            return {"decoder": self.decoder.state_dict()}
        return {"decoder": self.decoder.state_dict(), "optimizer": self.optimizer.state_dict()}

    def load_state(self, state: dict[str, Any]) -> None:
        """Weights, and Adam's moments where the state has them (a weights-only state, such as
        a retained version's, starts Adam afresh)."""
        self.decoder.load_state_dict(state["decoder"])
        if "optimizer" in state:
            self.optimizer.load_state_dict(state["optimizer"])


def adam_step(
    engine: SamEngine,
    decoder: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    prepared: PreparedImage,
    prompts: Prompts,
    label: np.ndarray,
) -> float:
    """One optimisation step of ``decoder`` on the sparse BCE against ``label`` ((H, W) int8,
    -1 unknown) for the answer to ``prompts``; returns the loss before the step."""
    decoder.train()
    optimizer.zero_grad(set_to_none=True)
    with torch.enable_grad():
        logits = engine.decoder_logits(prepared, prompts, decoder)
        target = torch.as_tensor(label, device=logits.device)
        loss = sparse_bce(logits, target)
        loss.backward()
    optimizer.step()
    decoder.eval()
    return float(loss.detach())


class SessionAdapter:
    """Adaptation around one object: its clicks adapt a decoder, its accept the class's."""

    def __init__(self, engine: SamEngine, class_decoder: ClassDecoder, config: AdaptationConfig) -> None:
        self.base = engine
        self.target = class_decoder
        self.config = config
        if config.click == "reset":
            decoder = copy.deepcopy(class_decoder.decoder)
            self.session = ClassDecoder(decoder, config.lr)
        else:
            self.session = class_decoder
        self.engine = engine.with_decoder(self.session.decoder)

    def after_click(self, prepared: PreparedImage, prompts: Prompts) -> float | None:
        """CA: one step on the session's decoder with the clicks so far (None when off)."""
        if self.config.click == "off" or not prompts.clicks:
            return None
        height, width = prepared.height, prepared.width
        label = click_label(prompts.clicks, height, width)
        return adam_step(self.engine, self.session.decoder, self.session.optimizer, prepared, prompts, label)

    def after_accept(self, prepared: PreparedImage, prompts: Prompts, result: np.ndarray) -> float | None:
        """RM and CM: one step on the class decoder with the merged label (None when off).

        The session copy (reset) is dropped: the next object starts from the class decoder.
        """
        self.session = self.target
        self.engine = self.base.with_decoder(self.target.decoder)
        if not self.config.adapts_after_accept or not (prompts.clicks or prompts.box or prompts.scribbles):
            return None
        height, width = result.shape
        label = np.full((height, width), UNKNOWN, dtype=np.int8)
        if self.config.result != "off":
            label = result_label(result, self.config.erosions if self.config.result == "eroded" else 0)
        if self.config.click_mask:
            label = merged_label(label, click_label(prompts.clicks, height, width))
        if not (label != UNKNOWN).any():
            return None
        return adam_step(self.base, self.target.decoder, self.target.optimizer, prepared, prompts, label)
