"""A test driver that feeds events to a session the way the consumer and the task do."""

from __future__ import annotations

from typing import Any

import numpy as np

from annotator.interactions import services
from inference.evaluation.clicker import next_click
from inference.masks import rle
from tests.conftest import ProjectSetup
from tests.factories import upload_scene


class Driver:
    """Feeds events to a session the way the consumer and the task do."""

    def __init__(self, setup: ProjectSetup, like: Driver | None = None, **scene: Any) -> None:
        """A session on a new scene; ``like``: the admin's session on that driver's image."""
        if like is None:
            self.image, self.scene = upload_scene(setup.project, setup.annotator, **scene)
        else:
            self.image, self.scene = like.image, like.scene
        self.session = services.session_open(
            user=setup.annotator if like is None else setup.admin,
            image=self.image,
            label_class=setup.label_class,
        )
        self.count = 0
        self.mask = np.zeros((self.image.height, self.image.width), dtype=bool)

    def send(
        self, kind: str, payload: dict[str, Any] | None = None, event_id: str | None = None
    ) -> list[dict]:
        self.count += 1
        services.event_record(
            session_id=self.session.id,
            client_event_id=event_id or f"e{self.count}",
            kind=kind,
            payload=payload or {},
            seq=self.count,
        )
        return self.advance()

    def advance(self) -> list[dict]:
        """Apply the pending events, as the worker's task does; the page's mask follows."""
        frames = services.session_advance(session_id=self.session.id).frames
        self.show(frames)
        return frames

    def show(self, frames: list[dict[str, Any]]) -> None:
        """What a page does with the frames: apply each mask patch."""
        for frame in frames:
            if frame["type"] == "mask" and frame["patch"]["after"] is not None:
                x, y, w, h = frame["patch"]["bbox"]
                self.mask[y : y + h, x : x + w] = rle.decode(frame["patch"]["after"])

    def robot_click(self, truth: np.ndarray) -> list[dict]:
        click = next_click(truth, self.mask)
        assert click is not None
        return self.send("click", {"x": click.x, "y": click.y, "positive": click.positive})
