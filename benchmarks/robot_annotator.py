"""A robot annotator: outlines objects over the real annotation socket the way the page does.

It clicks where the standard robot user clicks (``inference.evaluation.clicker``: the deepest
point of the largest error between its ground truth and the mask the server last sent), waits
a think time before each click, accepts after ``max_clicks`` or once nothing is wrong, and
moves to its next object. It keeps the page's rules for silence and failures
(``docs/protocol.md``): an event unanswered while its session sends nothing for
``resync_s`` makes it ``open`` the session again and resend its unanswered events (the same
``event_id``, so each is applied once); ``dispatch_failed`` and ``internal_error`` are resent
after a back-off, ``rate_limited`` after ``retry_ms``; a closed socket is reopened with a
back-off. It keeps its own copy of the mask from the patches and session frames, so what it
last saw can be compared with what the database saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inference.evaluation.clicker import next_click
from inference.masks import rle
from inference.prompts import Click

RESEND_ON = {"dispatch_failed", "internal_error", "workers_unreachable"}


@dataclass
class RobotObject:
    image_id: int
    ground_truth: np.ndarray  # (H, W) bool


@dataclass
class Pending:
    frame: dict[str, Any]
    sent_at: float
    answered: asyncio.Future[str]
    resends: int = 0


@dataclass
class Accepted:
    session_id: int
    mask: rle.Rle  # the mask the robot last saw
    clicks: int


@dataclass
class RobotLog:
    """What one robot sent and heard."""

    records: list[dict[str, Any]] = field(default_factory=list)
    sent: int = 0
    answered: int = 0
    second_answers: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    resyncs: int = 0
    reconnects: int = 0
    accepted: list[Accepted] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)


class Robot:
    def __init__(
        self,
        name: str,
        url: str,
        origin: str,
        cookie: str,
        class_id: int,
        objects: list[RobotObject],
        *,
        think_s: float,
        resync_s: float,
        max_clicks: int,
        seed: int,
    ) -> None:
        self.name, self.url, self.origin, self.cookie = name, url, origin, cookie
        self.class_id, self.objects = class_id, objects
        self.think_s, self.resync_s, self.max_clicks = think_s, resync_s, max_clicks
        self.rng = np.random.default_rng(seed)
        self.log = RobotLog()
        self.ws: Any = None
        self.reader: asyncio.Task[None] | None = None
        self.session_id: int | None = None
        self.image_id = 0
        self.mask = np.zeros((1, 1), dtype=bool)
        self.pending: dict[str, Pending] = {}
        self.answered_ids: set[str] = set()
        self.resends: set[asyncio.Task[None]] = set()
        self.session_frame: asyncio.Future[dict[str, Any]] | None = None
        self.last_heard = time.monotonic()
        self.tag = ""

    # The socket.

    async def connect(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.typing import Origin

        delay = 0.5
        while True:
            try:
                self.ws = await connect(
                    self.url,
                    origin=Origin(self.origin),
                    additional_headers={"Cookie": self.cookie},
                    max_size=None,
                    open_timeout=10,
                )
                break
            except (OSError, TimeoutError, Exception) as error:  # a refused or failed handshake
                if isinstance(error, asyncio.CancelledError):
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 8.0)
        self.reader = asyncio.create_task(self._read(self.ws))

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
        if self.ws is not None:
            await self.ws.close()

    def _closed(self) -> bool:
        return self.reader is None or self.reader.done()

    async def _send(self, frame: dict[str, Any]) -> None:
        # A socket closed under us: the wait loop notices, reconnects and resends.
        with contextlib.suppress(Exception):
            await self.ws.send(json.dumps(frame))

    async def _read(self, ws: Any) -> None:
        try:
            async for raw in ws:
                self._heard(json.loads(raw))
        except Exception:  # closed: _closed() says so to the wait loop
            return

    def _heard(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if frame.get("session_id") == self.session_id:
            self.last_heard = time.monotonic()
        if kind == "session":
            if self.session_frame is not None and not self.session_frame.done():
                self.session_frame.set_result(frame)
        elif kind == "mask":
            if frame.get("session_id") == self.session_id:
                self._apply_patch(frame["patch"])
            self._answer(frame.get("event_id"), "mask")
        elif kind in ("accepted", "cancelled"):
            self._answer(frame.get("event_id"), kind)
        elif kind == "ack":
            if frame.get("duplicate") and frame.get("status") == "applied":
                self._answer(frame.get("event_id"), "state")
            elif frame.get("status") == "rejected":
                self._answer(frame.get("event_id"), "error:rejected")
        elif kind == "error":
            code = str(frame.get("code"))
            self.log.errors[code] = self.log.errors.get(code, 0) + 1
            pending = self.pending.get(str(frame.get("event_id")))
            if pending is None or pending.answered.done():
                return
            if code == "rate_limited":
                self._resend_later(pending, float(frame.get("retry_ms", 1000)) / 1000.0)
            elif code in RESEND_ON:
                self._resend_later(pending, min(16.0, 2.0**pending.resends))
            else:
                pending.answered.set_result(f"error:{code}")

    def _resend_later(self, pending: Pending, delay: float) -> None:
        async def later() -> None:
            await asyncio.sleep(delay)
            if not pending.answered.done():
                pending.resends += 1
                await self._send(pending.frame)

        task = asyncio.get_running_loop().create_task(later())
        self.resends.add(task)
        task.add_done_callback(self.resends.discard)

    def _answer(self, event_id: Any, how: str) -> None:
        if event_id is None:
            return
        event_id = str(event_id)
        if event_id in self.answered_ids:
            if how != "state":
                self.log.second_answers += 1
            return
        pending = self.pending.get(event_id)
        if pending is None or pending.answered.done():
            return
        self.answered_ids.add(event_id)
        pending.answered.set_result(how)

    def _apply_patch(self, patch: dict[str, Any]) -> None:
        x, y, width, height = (int(v) for v in patch["bbox"])
        if width and height and patch.get("after") is not None:
            self.mask[y : y + height, x : x + width] = rle.decode(patch["after"])

    # What the page does on silence, errors and a lost socket.

    async def _resync(self) -> None:
        """``open`` again, take the session's state, resend the unanswered events."""
        self.log.resyncs += 1
        for _ in range(12):
            if self._closed():
                self.log.reconnects += 1
                await self.connect()
            self.session_frame = asyncio.get_running_loop().create_future()
            await self._send({"type": "open", "image_id": self.image_id, "class_id": self.class_id})
            try:
                frame = await asyncio.wait_for(asyncio.shield(self.session_frame), timeout=self.resync_s)
            except TimeoutError:
                continue
            if frame.get("session_id") != self.session_id:
                continue
            self._take_state(frame)
            self.last_heard = time.monotonic()
            for pending in self.pending.values():
                if not pending.answered.done():
                    pending.resends += 1
                    await self._send(pending.frame)
            return
        raise RuntimeError(f"{self.name}: the session never answered a resync")

    def _take_state(self, frame: dict[str, Any]) -> None:
        height, width = int(frame["image"]["height"]), int(frame["image"]["width"])
        self.mask = rle.decode(frame["mask"]) if frame.get("mask") else np.zeros((height, width), bool)

    async def _answered(self, event_id: str) -> str:
        pending = self.pending[event_id]
        while not pending.answered.done():
            if self._closed():
                await self._resync()
                continue
            try:
                await asyncio.wait_for(asyncio.shield(pending.answered), timeout=0.25)
            except TimeoutError:
                if time.monotonic() - self.last_heard >= self.resync_s:
                    await self._resync()
        return pending.answered.result()

    async def _post(self, kind: str, **fields: Any) -> str:
        event_id = f"{self.tag}{uuid.uuid4().hex[:12]}"
        frame = {"type": kind, "session_id": self.session_id, "event_id": event_id, **fields}
        self.pending[event_id] = Pending(frame, time.monotonic(), asyncio.get_running_loop().create_future())
        self.log.sent += 1
        self.last_heard = time.monotonic()
        await self._send(frame)
        return event_id

    async def _finish(self, event_id: str) -> str:
        """Wait for the event's answer and log it."""
        pending = self.pending[event_id]
        how = await self._answered(event_id)
        rtt_ms = (time.monotonic() - pending.sent_at) * 1000.0
        del self.pending[event_id]
        if not how.startswith("error:"):
            self.log.answered += 1
        self.log.records.append(
            {
                "robot": self.name,
                "kind": pending.frame["type"],
                "at": pending.sent_at,
                "rtt_ms": rtt_ms,
                "how": how,
                "resends": pending.resends,
            }  # fmt: skip
        )
        return how

    async def _event(self, kind: str, **fields: Any) -> str:
        return await self._finish(await self._post(kind, **fields))

    # One object after another.

    async def _open(self, obj: RobotObject) -> None:
        self.image_id = obj.image_id
        while True:
            if self._closed():
                self.log.reconnects += 1
                await self.connect()
            self.session_frame = asyncio.get_running_loop().create_future()
            await self._send({"type": "open", "image_id": obj.image_id, "class_id": self.class_id})
            try:
                frame = await asyncio.wait_for(asyncio.shield(self.session_frame), timeout=self.resync_s)
            except TimeoutError:
                continue
            self.session_id = int(frame["session_id"])
            self._take_state(frame)
            self.last_heard = time.monotonic()
            return

    async def outline(self, obj: RobotObject, stop_at: float) -> None:
        await self._open(obj)
        clicked: list[Click] = []
        applied = 0
        for _ in range(self.max_clicks):
            click = next_click(obj.ground_truth, self.mask, clicked=clicked)
            if click is None:
                break
            await asyncio.sleep(self.think_s * float(self.rng.uniform(0.5, 1.5)))
            clicked.append(click)
            how = await self._event(
                "click", x=float(click.x), y=float(click.y), positive=bool(click.positive)
            )
            applied += not how.startswith("error:")
            if time.monotonic() >= stop_at:
                break
        if not self.mask.any():
            await self._event("cancel")
            return
        how = await self._event("accept")
        if how in ("accepted", "state"):
            self.log.accepted.append(
                Accepted(session_id=int(self.session_id or 0), mask=rle.encode(self.mask), clicks=applied)
            )

    async def run(self, stop_at: float, tag: str) -> RobotLog:
        """Outline objects until ``stop_at`` (monotonic seconds); the object in hand is finished."""
        self.tag = tag
        await self.connect()
        index = 0
        try:
            while time.monotonic() < stop_at:
                await self.outline(self.objects[index % len(self.objects)], stop_at)
                index += 1
        finally:
            self.log.unanswered = [e for e, p in self.pending.items() if not p.answered.done()]
            await self.close()
        return self.log

    async def flood_open(self, obj: RobotObject, tag: str) -> int:
        """Open the session a flood will go to; returns its id."""
        self.tag = tag
        await self.connect()
        await self._open(obj)
        self.flood_object = obj
        return int(self.session_id or 0)

    async def flood(self, clicks: int) -> float:
        """Send ``clicks`` clicks inside the object as fast as the socket takes them, then wait
        for every answer; returns the seconds from the first click to the last answer."""
        ys, xs = np.nonzero(self.flood_object.ground_truth)
        picks = self.rng.integers(len(xs), size=clicks)
        started = time.monotonic()
        sent = [await self._post("click", x=float(xs[k]), y=float(ys[k]), positive=True) for k in picks]
        try:
            for event_id in sent:
                await self._finish(event_id)
        finally:
            self.log.unanswered = [e for e, p in self.pending.items() if not p.answered.done()]
            await self.close()
        return time.monotonic() - started
