"""A SAM-prepared image: the encoder's embedding, portable as bytes between workers."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class SamImage:
    """The image embedding ``(1, C, 64, 64)`` of a ``width`` x ``height`` image under ``model_id``."""

    width: int
    height: int
    model_id: str
    embedding: torch.Tensor

    @property
    def nbytes(self) -> int:
        return int(self.embedding.numel() * self.embedding.element_size())

    def to_bytes(self) -> bytes:
        """A self-describing copy: a JSON header line, then the float32 embedding (``np.save``)."""
        header = json.dumps({"width": self.width, "height": self.height, "model_id": self.model_id})
        buffer = io.BytesIO()
        buffer.write(header.encode() + b"\n")
        np.save(buffer, self.embedding.detach().to("cpu", torch.float32).numpy(), allow_pickle=False)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, device: torch.device) -> SamImage:
        """The inverse of ``to_bytes``; raises ValueError on anything else. The embedding is an
        inference tensor, as one the encoder computes in this process."""
        line, _, rest = data.partition(b"\n")
        try:
            header = json.loads(line)
            array = np.load(io.BytesIO(rest), allow_pickle=False)
            with torch.inference_mode():
                embedding = torch.tensor(array, device=device)
            return cls(
                width=int(header["width"]),
                height=int(header["height"]),
                model_id=str(header["model_id"]),
                embedding=embedding,
            )
        except (json.JSONDecodeError, KeyError, TypeError, OSError) as error:
            raise ValueError(f"not a stored SAM embedding: {error}") from error
