"""Segmentation engines behind one protocol (see ``base.Engine``)."""

from inference.engines.base import Engine, PreparedImage
from inference.engines.registry import available_engines, build_engine

__all__ = ["Engine", "PreparedImage", "available_engines", "build_engine"]
