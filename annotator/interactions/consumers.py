"""The WebSocket consumer of the annotation page.

It authenticates (session cookie, Origin checked by AllowedHostsOriginValidator in asgi.py),
checks project membership, keeps every frame inside the connection's limits (``frame_limits``),
validates it, records events through the service and dispatches the task. It never runs a model
and never writes the ORM itself. A refused connection is accepted and then closed with its
code, so the page learns why (a close before accepting reaches a browser as HTTP 403).

In the embedded set-up, where the task runs in this process, dispatching is not awaited by
the frame's handler: a consumer handles one message at a time, so the frames the task relays
(the mask) could only go out once the handler returned, after everything the task does once
the mask is sent (online adaptation's bookkeeping, Celery's own). Where tasks run on workers,
a click's step is published in the same call to the database thread as its insert. For the
same reason relayed frames skip Channels' per-message database clean-up (``dispatch``).

The rules this relies on are numbered in docs/click-path.md: an event acknowledged once stored
(click-path invariant 1), its step published before the insert's commit (invariant 2), frames
relayed as they come and the page's resync (invariant 6), a dispatch that fails (invariant 12).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from annotator.annotations import locks
from annotator.common.errors import Conflict, DomainError, InvalidInput, NotFound
from annotator.images.selectors import image_get
from annotator.interactions import (
    access,
    frame_limits,
    protocol,
    relay,
    routing,
    selectors,
    services,
    tasks,
)
from annotator.interactions.models import EventStatus
from annotator.interactions.selectors import SessionInfo
from annotator.projects.selectors import label_class_get, membership_get

logger = logging.getLogger(__name__)

# Close codes (4000-4999 are the application's): the page shows why it was refused.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_A_MEMBER = 4404
# The channel layer (Redis) cannot be reached: the socket could not hear its workers' answers.
CLOSE_UNREACHABLE = 4503
UNREACHABLE = (
    "The server cannot reach its workers; your clicks are kept and will be applied when it can again."
)
# The answer to a frame whose handling failed for a reason of the server's own (logged).
INTERNAL_ERROR = DomainError("The server could not handle this (logged). Try again.", code="internal_error")


class AnnotationConsumer(AsyncJsonWebsocketConsumer):
    project_id: int
    user_id: int
    member: bool
    limits: frame_limits.FrameLimits
    bucket: frame_limits.TokenBucket
    model_buckets: dict[int, frame_limits.TokenBucket]
    sessions: dict[int, SessionInfo]
    routes: routing.RouteMemory
    dispatching: set[asyncio.Task[None]]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Channels subscribes the socket's own channel before the handshake; where the channel
        layer (Redis) cannot be reached that fails, which the ASGI server would answer with HTTP
        500 and the page take for a network failure. The handshake is accepted instead and the
        socket closed with ``CLOSE_UNREACHABLE``, which the page says in words and retries."""
        try:
            await super().__call__(scope, receive, send)
        except Exception:
            if getattr(self, "channel_name", None) is not None:
                raise
            logger.exception("the channel layer cannot be reached: socket closed with %s", CLOSE_UNREACHABLE)
            await _accept_and_close(receive, send, CLOSE_UNREACHABLE)

    async def connect(self) -> None:
        self.member = False
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.project_id = int(self.scope["url_route"]["kwargs"]["project_id"])
        try:
            membership = await database_sync_to_async(membership_get)(user=user, project_id=self.project_id)
        except DomainError:
            await self.close(code=CLOSE_NOT_A_MEMBER)
            return
        self.member = True
        self.user_id = user.pk
        self.limits = frame_limits.FrameLimits.from_settings()
        self.bucket = frame_limits.TokenBucket(burst=self.limits.burst, per_second=self.limits.per_second)
        self.sessions = {}
        self.model_buckets = {}
        self.routes = routing.RouteMemory()
        self.dispatching = set()
        await self.send_json(
            {
                "type": "hello",
                "project_id": self.project_id,
                "role": membership.role,
                "limits": self.limits.for_page(),
            }
        )

    async def disconnect(self, code: int) -> None:
        sessions = list(getattr(self, "sessions", {}))
        for session_id in sessions:
            await self.channel_layer.group_discard(relay.session_group(session_id), self.channel_name)
        await asyncio.gather(*getattr(self, "dispatching", ()), return_exceptions=True)
        if sessions:
            await database_sync_to_async(_left)(sessions)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        if not self.member:  # a refused connection, closing: nothing it sends is read
            return
        content: Any = None
        try:
            self.limits.check_size(text_data, bytes_data)
            try:
                self.bucket.take()
            except frame_limits.RateLimited:
                with contextlib.suppress(InvalidInput):  # to name the refused event
                    content = frame_limits.decode(text_data)
                raise
            content = frame_limits.decode(text_data)
            self.limits.check_stroke(content)
            await self.handle(protocol.parse(content))
        except DomainError as error:
            await self.send_json(self._error_frame(error, content))
        except Exception:  # a defect, not the page's fault: answered, logged, the socket kept
            logger.exception("could not handle a frame on project %s", self.project_id)
            await self.send_json(self._error_frame(INTERNAL_ERROR, content))

    async def handle(self, message: protocol.Message) -> None:
        if isinstance(message, protocol.Ping):
            await self.send_json({"type": "pong", "t": message.token})
        elif isinstance(message, protocol.Hold):
            await self.hold(message)
        elif isinstance(message, protocol.OpenSession):
            await self.open_session(message)
        else:
            await self.session_event(message)

    async def open_session(self, message: protocol.OpenSession) -> None:
        snapshot, queue, lost = await self._open(message)
        session_id = snapshot["session_id"]
        await self._join(session_id)
        image = snapshot["image"]
        self.sessions[session_id] = SessionInfo(session_id, image["id"], image["width"], image["height"])
        await self.send_json(snapshot)
        if lost is not None:
            await self.send_json(self._error_frame(lost, {"session_id": session_id}))
        self._dispatch(functools.partial(tasks.send_prepare, queue=queue), session_id)

    async def hold(self, message: protocol.Hold) -> None:
        """Keep the object the session corrects; ``lock_lost`` when someone else has it now."""
        if message.session_id not in self.sessions:
            raise NotFound("Session not found.", code="unknown_session")
        held = await database_sync_to_async(locks.lock_beat)(session_id=message.session_id)
        if not held:
            raise Conflict(
                "You no longer hold this object: someone else may have changed it. Cancel and open it again.",
                code="lock_lost",
            )
        await self.send_json(
            {
                "type": "held",
                "session_id": message.session_id,
                "annotation_id": held[0].annotation_id,
                "expires_at": held[0].expires_at.isoformat(),
            }
        )

    async def session_event(self, event: protocol.SessionEvent) -> None:
        info = self.sessions.get(event.session_id)
        if info is None:
            info = await database_sync_to_async(selectors.session_info)(
                session_id=event.session_id, user_id=self.user_id, project_id=self.project_id
            )
            await self._join(info.session_id)
            self.sessions[info.session_id] = info
        protocol.check_inside(event, width=info.width, height=info.height)
        if event.kind in frame_limits.MODEL_KINDS:
            self._model_bucket(event.session_id).take()
        created, status, started = await self._record(event)
        await self.send_json(
            {
                "type": "ack",
                "session_id": event.session_id,
                "event_id": event.event_id,
                "seq": event.seq,
                "duplicate": not created,
                "status": status,
            }
        )
        if not created and status != EventStatus.PENDING:
            return
        # A new event, or one resent while still pending (its step could not be started, or is
        # running now: the step applies each pending event once, under its session's lock).
        if started is None:
            self._dispatch(tasks.dispatch_advance, event.session_id, event.event_id)
        elif not started:
            await self._dispatch_failed(event.session_id, event.event_id)

    def _model_bucket(self, session_id: int) -> frame_limits.TokenBucket:
        """The session's bucket of model steps on this socket."""
        bucket = self.model_buckets.get(session_id)
        if bucket is None:
            bucket = frame_limits.TokenBucket(
                burst=self.limits.model_burst,
                per_second=self.limits.model_per_second,
                what="model steps for this object",
            )
            self.model_buckets[session_id] = bucket
        return bucket

    async def _join(self, session_id: int) -> None:
        """Join the session's group, through which its workers' frames come."""
        try:
            await self.channel_layer.group_add(relay.session_group(session_id), self.channel_name)
        except Exception as error:  # the channel layer (Redis) is away
            logger.exception("could not join the group of session %s", session_id)
            raise DomainError(UNREACHABLE, code="workers_unreachable") from error

    def _dispatch(
        self, dispatch: Callable[[int], None], session_id: int, event_id: str | None = None
    ) -> None:
        """Start a task's dispatch for the session and return (see the module's docstring).
        Dispatches run one after the other on Channels' database thread, in the order they
        were started."""
        task = asyncio.ensure_future(self._dispatched(dispatch, session_id, event_id))
        self.dispatching.add(task)
        task.add_done_callback(self.dispatching.discard)

    async def _dispatched(
        self, dispatch: Callable[[int], None], session_id: int, event_id: str | None
    ) -> None:
        try:
            await database_sync_to_async(dispatch)(session_id)
        except Exception:  # the broker is away: the event stays pending in the log
            logger.exception("could not start the step of session %s", session_id)
            await self._dispatch_failed(session_id, event_id)

    async def _dispatch_failed(self, session_id: int, event_id: str | None) -> None:
        """The event (``event_id``; None: the session's preparation) is saved, pending, but its
        step could not be started: the page sends it again after a while, which starts it
        (``session_event``)."""
        frame: dict[str, Any] = {
            "type": "error",
            "code": "dispatch_failed",
            "detail": f"Your step is saved but could not be started. {UNREACHABLE}",
            "session_id": session_id,
        }
        if event_id is not None:
            frame["event_id"] = event_id
        await self.send_json(frame)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels closes stale database connections before every message, on its one
        database thread; frames relayed from the workers touch no database, so they go out
        at once instead of waiting for that thread (busy with a step in the embedded set-up,
        with other pages' work in any)."""
        if message["type"] == "session.message":
            await self.session_message(message)
            return
        if message["type"] == "session.rerouted":
            self.routes.forget(message["session_id"])
            return
        await super().dispatch(message)

    async def session_message(self, message: dict[str, Any]) -> None:
        """Frames from the workers, relayed to the page as they are."""
        await self.send_json(message["payload"])

    @database_sync_to_async
    def _open(self, message: protocol.OpenSession) -> tuple[dict[str, Any], str | None, DomainError | None]:
        """Open the session; returns its snapshot, the queue of the worker it is pinned to
        (remembered for its clicks) and, for a session correcting an object it cannot hold
        again (someone else took it meanwhile), why."""
        image = image_get(project_id=self.project_id, image_id=message.image_id)
        label_class = label_class_get(project_id=self.project_id, class_id=message.class_id)
        user = self.scope["user"]
        access.check_may_outline(
            user=user, project_id=self.project_id, image_id=image.id, class_id=label_class.id
        )
        session = services.session_open(user=user, image=image, label_class=label_class)
        snapshot = selectors.session_snapshot(session=session)
        lost: DomainError | None = None
        if snapshot["started_from"] is not None:
            try:
                locks.lock_take(annotation_id=snapshot["started_from"], session_id=session.id, user=user)
            except DomainError as error:
                lost = error
        return snapshot, tasks.session_queue(session.id, self.routes), lost

    @database_sync_to_async
    def _record(self, event: protocol.SessionEvent) -> tuple[bool, str, bool | None]:
        """Record the event and start its step; returns (created, its status, whether the step
        started: None where it runs in this process, started by ``_dispatch`` after the ack).

        A step that runs on a worker is published here, in the same call to the database thread
        as the event's insert (one hop to that thread per click), to the queue of the session's
        worker, mostly remembered from its last click (``routing.RouteMemory``); on PostgreSQL
        before the insert's commit, the step waiting for it (``services.event_record``). The ack
        still reaches the page first: the consumer relays the worker's frames only once this
        handler has returned."""
        self._check_allowed(event)
        started: bool | None = None

        def start_step() -> None:
            nonlocal started
            try:
                tasks.send_advance(event.session_id, tasks.session_queue(event.session_id, self.routes))
                started = True
            except Exception:  # the broker is away: the event stays pending in the log
                logger.exception("could not start the step of session %s", event.session_id)
                started = False

        in_process = tasks.runs_in_process()
        recorded, created = services.event_record(
            session_id=event.session_id,
            client_event_id=event.event_id,
            kind=event.kind,
            payload=event.payload,
            seq=event.seq,
            start_step=None if in_process else start_step,
        )
        if not created and recorded.status == EventStatus.PENDING and not in_process:
            start_step()  # resent while pending: its step may never have started
        return created, recorded.status, started

    def _check_allowed(self, event: protocol.SessionEvent) -> None:
        """An accept saves only what the user may still save; a ``start`` corrects only an
        object the user may correct (``access``), and holds it (``locks``: refused, naming who
        holds it, while another session does). Other events change nothing saved."""
        user = self.scope["user"]
        if event.kind == "accept":
            class_id = event.payload.get("class_id")
            if class_id is None:
                class_id = selectors.session_class_id(session_id=event.session_id)
            label_class_get(project_id=self.project_id, class_id=class_id)
            image_id = self.sessions[event.session_id].image_id
            access.check_may_outline(
                user=user, project_id=self.project_id, image_id=image_id, class_id=class_id
            )
        elif event.kind == "start":
            annotation_id = event.payload["annotation_id"]
            access.check_may_correct(user=user, project_id=self.project_id, annotation_id=annotation_id)
            locks.lock_take(annotation_id=annotation_id, session_id=event.session_id, user=user)

    @staticmethod
    def _error_frame(error: DomainError, content: Any) -> dict[str, Any]:
        frame: dict[str, Any] = {"type": "error", "code": error.code, "detail": error.detail}
        if isinstance(error, frame_limits.RateLimited):
            frame["retry_ms"] = error.retry_ms
        if isinstance(content, dict):
            for key in ("event_id", "session_id", "seq"):
                if key in content and isinstance(content[key], (str, int)):
                    frame[key] = content[key]
        return frame


async def _accept_and_close(receive: Any, send: Any, code: int) -> None:
    """Answer a handshake the consumer could not serve: accepted, then closed with ``code``."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": code})


def _left(session_ids: list[int]) -> None:
    """The page left its sessions: objects it was correcting are free again (it takes them back
    on reopening), and the ones still open are said to be left."""
    locks.lock_release_all(session_ids=session_ids)
    services.sessions_leave(session_ids=session_ids)
