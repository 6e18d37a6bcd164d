"""The click path's own settings, read from the environment when used (so a test or a
restarted process sees a change); a value that is not a positive number fails with the
variable's name.

- ``MASKLOOP_STEP_IDLE_TIMEOUT_SECONDS`` (30): the longest a step's transaction may sit idle
  (no statement running) before PostgreSQL ends it and frees its session (click-path invariant
  8). A step runs its engine inside its transaction, with no statement meanwhile: up to
  ``MASKLOOP_STEP_MAX_EVENTS`` engine calls, and an image's preparation where the worker lacks
  it (SAM vit_b's encoder: 10 to 11 s on two CPU cores, docs/performance.md). A step that runs
  longer is ended too; its events stay pending, and the heartbeat starts their step again
  (click-path invariant 11), the image prepared by then.
- ``MASKLOOP_PLACEMENT_ACTIVE_SECONDS`` (600): a session counts towards its worker's load while
  it is open and was pinned, or had an event, within this time (click-path invariant 9).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    if not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ImproperlyConfigured(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


def step_idle_timeout_ms() -> int:
    return max(1, round(_seconds("MASKLOOP_STEP_IDLE_TIMEOUT_SECONDS", 30.0) * 1000))


def placement_active_seconds() -> float:
    return _seconds("MASKLOOP_PLACEMENT_ACTIVE_SECONDS", 600.0)
