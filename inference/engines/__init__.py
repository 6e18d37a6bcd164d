"""Segmentation engines behind one protocol (see ``base.Engine``)."""

from inference.engines.base import Candidate, Engine, PreparedImage, ProposesCandidates
from inference.engines.registry import available_engines, build_engine

__all__ = ["Candidate", "Engine", "PreparedImage", "ProposesCandidates", "available_engines", "build_engine"]
