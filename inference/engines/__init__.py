"""Segmentation engines behind one protocol (see ``base.Engine``)."""

from inference.engines.base import (
    Candidate,
    Engine,
    PreparedImage,
    ProposesCandidates,
    RefinesInStages,
    SharesPreparedImages,
    predict_stages,
)
from inference.engines.registry import available_engines, build_engine

__all__ = [
    "Candidate",
    "Engine",
    "PreparedImage",
    "ProposesCandidates",
    "RefinesInStages",
    "SharesPreparedImages",
    "available_engines",
    "build_engine",
    "predict_stages",
]
