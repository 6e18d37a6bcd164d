"""Per-class decoders over a sequence of objects: the seed's evaluation (seed 004, §4).

Each class's decoder starts as the base checkpoint's and learns from every object of that
class annotated before the current one; objects of other classes never touch it.
"""

from __future__ import annotations

from inference.adaptation.adapter import AdaptationConfig, ClassDecoder, SessionAdapter
from inference.engines.base import Engine
from inference.engines.sam.engine import SamEngine


class ClassSequence:
    """The class decoders of one run; ``begin`` hands out the adapter for the next object."""

    def __init__(self, engine: Engine, config: AdaptationConfig) -> None:
        if not isinstance(engine, SamEngine):
            raise ValueError("online adaptation needs the SAM engine on the plain pipeline")
        self.engine = engine
        self.config = config
        self.decoders: dict[str, ClassDecoder] = {}

    def begin(self, label: str) -> SessionAdapter:
        """The adapter for the next object of class ``label``."""
        decoder = self.decoders.get(label)
        if decoder is None:
            decoder = self.decoders[label] = ClassDecoder.from_engine(self.engine, self.config.lr)
        return SessionAdapter(self.engine, decoder, self.config)
