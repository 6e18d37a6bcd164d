"""Pipelines: wrappers that run an engine on crops and views of the image (seeds 002 and 003).

A pipeline takes an engine and is itself an ``Engine``, so the annotation worker and the
evaluation runner call every combination the same way.
"""

from inference.pipelines.registry import PLAIN, available_pipelines, wrap_engine

__all__ = ["PLAIN", "available_pipelines", "wrap_engine"]
