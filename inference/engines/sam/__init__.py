"""Segment Anything (SAM) as an engine: model loading, SAM's 1024 frame, the engine itself."""
