"""What an import did: counts, what it refused and why, and its progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LISTED = 1000  # refusals listed in full; the counts are always right


class ImportReport:
    def __init__(self, progress: Callable[[int, int], None]) -> None:
        self.progress = progress
        self.done = 0
        self.total = 0
        self.data: dict[str, Any] = {
            "images_added": 0,
            "images_already_there": 0,
            "images_refused": 0,
            "objects_added": 0,
            "objects_already_there": 0,
            "objects_refused": 0,
            "refused": [],
        }

    def start(self, total: int) -> None:
        self.total += total
        self.progress(self.done, self.total)

    def step(self) -> None:
        self.done += 1
        self.progress(self.done, self.total)

    def _list(self, entry: dict[str, Any]) -> None:
        if len(self.data["refused"]) < LISTED:
            self.data["refused"].append(entry)

    def image_done(self, added: bool, objects: int) -> None:
        self.data["images_added" if added else "images_already_there"] += 1
        self.data["objects_added"] += objects

    def refuse_image(self, name: str, reason: str) -> None:
        self.data["images_refused"] += 1
        self._list({"image": name, "reason": reason})

    def refuse_object(self, object_id: Any, reason: str) -> None:
        self.data["objects_refused"] += 1
        self._list({"object": object_id, "reason": reason})

    def skip_object(self) -> None:
        self.data["objects_already_there"] += 1
